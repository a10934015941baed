package dev.mrt2.mil.exec;

import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Executor speed on a folder of full-size packages, next to this machine's floor measured in the same run, for
 * {@code scripts/bench-executor} (timings never live in unit tests).
 * <pre>java -cp mrt2.jar dev.mrt2.mil.exec.ExecutorBench [--repeats N] [--decoder-repeats N] [--warmup N] [--profile]
 *     [--only WORK] MODELS_DIR</pre>
 * Prints the machine's read bandwidth and GEMM peak (JVM kernels, all cores), each package's weight bytes and what
 * one call must at least cost (float32 weight bytes streamed over the bandwidth, or the heavy ops' flops over the
 * peak, whichever is larger), then per backend the median and fastest call of a temporal step, a depth pass, a
 * rollout frame and a decoder call, with the ratio of the median to the floor. Inputs are seeded: floats uniform in
 * ±0.26 (the spread of the N(0, 0.15) seed fixtures), ints 0. {@code --profile} adds the time per op type.
 */
public final class ExecutorBench {
    /** The work the table names, and the package that does it. */
    private static final String[][] WORK = {
            {"temporal step", "MRT2TemporalBody.mlpackage"},
            {"depth pass", "MRT2DepthBody.mlpackage"},
            {"rollout frame", "MRT2DepthBodyRollout.f16.mlpackage"},
            {"decoder call", "SpectroStreamDecoder.mlpackage"},
    };

    private ExecutorBench() {}

    public static void main(String[] args) {
        int repeats = 10;
        int decoderRepeats = 3;
        // a render or a validation stream runs hundreds of steps; the first few dozen also pay for the heap growing
        // into memory the OS has not mapped yet (page faults on every new array), which a long run does not
        int warmup = 50;
        boolean profile = false;
        String only = null;
        Path models = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--decoder-repeats" -> decoderRepeats = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--only" -> only = args[++i];
                default -> models = Path.of(args[i]);
            }
        }
        if (models == null) {
            System.err.println("usage: ExecutorBench [--repeats N] [--decoder-repeats N] [--warmup N] [--profile] "
                    + "[--only WORK] MODELS_DIR");
            System.exit(2);
        }
        List<ExecutorBackend> backends = new ArrayList<>(List.of(ExecutorBackend.JAVA));
        if (ExecutorBackend.DJL.available()) {
            backends.add(ExecutorBackend.DJL);
        }
        System.out.printf(Locale.ROOT, "backends: %s (default here: %s; native: %s)%n", backends, ExecutorBackend.auto(),
                Accelerators.find() != null ? Accelerators.find().name() : Accelerators.unavailableReason());

        MachineFloor floor = MachineFloor.measure(1L << 30);
        System.out.printf(Locale.ROOT, "read bandwidth (JVM kernel, %d threads, 1 GiB of rows, four a pass): %.1f GB/s%n",
                Runtime.getRuntime().availableProcessors(), floor.bandwidthBytesPerSecond() / 1e9);
        System.out.printf(Locale.ROOT, "GEMM peak (JVM kernel, %d threads, rows in L1): %.1f GFLOP/s%n",
                Runtime.getRuntime().availableProcessors(), floor.peakFlopsPerSecond() / 1e9);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-14s %-38s %10s %12s %10s %12s%n", "work", "package", "weight.bin",
                "read/call", "GFLOP", "floor");
        Map<String, Double> floors = new LinkedHashMap<>();
        Map<String, ProgramCost> costs = new LinkedHashMap<>();
        for (String[] w : WORK) {
            Path pkg = models.resolve(w[1]);
            if (!Files.isDirectory(pkg)) {
                System.out.printf(Locale.ROOT, "%-14s %-38s (missing)%n", w[0], w[1]);
                continue;
            }
            ProgramCost cost;
            long weightBytes;
            try (MlPackage p = MlPackageReader.read(pkg)) {
                cost = ProgramCost.of(p.model());
            }
            try {
                weightBytes = Files.size(pkg.resolve("Data/com.apple.CoreML/weights/weight.bin"));
            } catch (java.io.IOException e) {
                weightBytes = -1;
            }
            // the weight bytes a call reads: binary16 linear weights at 2 bytes where the executor keeps them 16-bit
            long read = cost.streamedBytes(KernelContext.keepHalf(cost.halfLinearFloatBytes()));
            double memory = read / floor.bandwidthBytesPerSecond();
            double compute = cost.flops() / floor.peakFlopsPerSecond();
            double f = Math.max(memory, compute);
            floors.put(w[0], f);
            costs.put(w[0], cost);
            System.out.printf(Locale.ROOT, "%-14s %-38s %7.0f MB %9.0f MB %10.1f %9.1f ms (%s)%n", w[0], w[1],
                    weightBytes / 1e6, read / 1e6, cost.flops() / 1e9, f * 1e3,
                    memory >= compute ? "bandwidth" : "GEMM peak");
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "timed calls after %d untimed ones (1 for the decoder): %d, decoder %d%n", warmup,
                repeats, decoderRepeats);
        System.out.printf(Locale.ROOT, "%-14s %-8s %11s %11s %11s %8s %9s%n", "work", "backend", "first ms", "median ms",
                "min ms", "/floor", "GFLOP/s");
        for (String[] w : WORK) {
            if (!floors.containsKey(w[0]) || (only != null && !w[0].startsWith(only))) continue;
            boolean decoder = w[0].startsWith("decoder");
            for (ExecutorBackend backend : backends) {
                bench(w[0], models.resolve(w[1]), backend, decoder ? 1 : warmup, decoder ? decoderRepeats : repeats,
                        floors.get(w[0]), costs.get(w[0]), profile);
            }
        }
    }

    private static void bench(String work, Path pkg, ExecutorBackend backend, int warmup, int repeats, double floor,
                              ProgramCost cost, boolean profile) {
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg, backend)) {
            Map<String, NdArray> inputs = inputs(exec);
            long t1 = System.nanoTime();
            exec.predict(inputs);
            double firstMs = (System.nanoTime() - t1) / 1e6;
            for (int i = 0; i < warmup; i++) {
                exec.predict(inputs);
            }
            // the weights laid out by the first call are young objects; without this, the first young collections
            // copy them (730 MB for the temporal body) and start concurrent cycles inside the timed steps (measured:
            // a median of 197 ms against 58 ms), which times the collector rather than the steady state
            System.gc();
            OpClock clock = new OpClock();
            if (profile) {
                exec.addObserver(clock);
            }
            BenchSamples times = BenchSamples.time(repeats, i -> {
                clock.last = System.nanoTime();
                exec.predict(inputs);
            });
            System.out.printf(Locale.ROOT, "%-14s %-8s %11.0f %11.1f %11.1f %8.2f %9.1f%s%n", work,
                    backend.name().toLowerCase(Locale.ROOT), firstMs, times.median(), times.min(),
                    times.median() / 1e3 / floor, cost.flops() / (times.median() / 1e3) / 1e9,
                    exec.firstNonFinite().map(n -> "  non-finite: " + n).orElse(""));
            if (profile) {
                clock.byType.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
                        .forEach(e -> System.out.printf(Locale.ROOT, "    %-28s %8.1f ms/call%n", e.getKey(),
                                e.getValue() / 1e6 / Math.max(1, times.count())));
                exec.removeObserver(clock);
            }
            if (exec.stateDescriptions().isEmpty() && !work.startsWith("decoder")) {
                batched(work, exec, inputs, backend, repeats, floor, cost);
            }
        }
    }

    /** Calls per batch in the batched rows: a stored arm's frames, as validate runs them. */
    private static final int BATCH = 25;

    /**
     * The same call {@link #BATCH} times in one {@link MlProgramExecutor#predictAll}, per call: what validate pays per
     * stored frame, where each weight is read once for the whole batch.
     */
    private static void batched(String work, MlProgramExecutor exec, Map<String, NdArray> inputs,
                                ExecutorBackend backend, int repeats, double floor, ProgramCost cost) {
        List<Map<String, NdArray>> batch = java.util.Collections.nCopies(BATCH, inputs);
        exec.predictAll(batch);
        BenchSamples times = BenchSamples.time(Math.max(3, repeats / 5), i -> exec.predictAll(batch));
        double perCall = times.median() / BATCH;
        System.out.printf(Locale.ROOT, "%-14s %-8s %11s %11.1f %11.1f %8.2f %9.1f  (per call, %d calls a batch)%n",
                work, backend.name().toLowerCase(Locale.ROOT), "", perCall, times.min() / BATCH,
                perCall / 1e3 / floor, cost.flops() / (perCall / 1e3) / 1e9, BATCH);
    }

    /** Charges the time since the previous op output to the op type that just finished (the observer fires after it). */
    private static final class OpClock implements OpObserver {
        final Map<String, Long> byType = new java.util.TreeMap<>();
        long last;

        @Override
        public void onOutput(String opName, String opType, NdArray output) {
            long now = System.nanoTime();
            byType.merge(opType, now - last, Long::sum);
            last = now;
        }
    }

    private static Map<String, NdArray> inputs(MlProgramExecutor exec) {
        SplittableRandom rng = new SplittableRandom(20260718);
        Map<String, NdArray> in = new LinkedHashMap<>();
        for (FeatureDescription f : exec.inputs()) {
            int[] shape = f.type().intDims();
            int n = Math.toIntExact(NdArray.size(shape));
            NdArray.Kind kind = MlProgramExecutor.kindOf(f.type().dataType());
            if (kind == NdArray.Kind.I32) {
                in.put(f.name(), NdArray.i32(shape, new int[n]));
                continue;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * 0.26);
            in.put(f.name(), kind == NdArray.Kind.F16 ? NdArray.f16(shape, v) : NdArray.f32(shape, v));
        }
        return in;
    }
}
