package dev.mrt2.mil.exec;

import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times {@link MlProgramExecutor#predict} on packages, for {@code scripts/bench-executor} (timings never live in unit
 * tests). Inputs are seeded: floats uniform in ±0.26 (the spread of the N(0, 0.15) seed fixtures), ints 0.
 * <pre>java -cp mrt2.jar dev.mrt2.mil.exec.ExecutorBench [--backend B] [--warmup N] [--repeats N] PKG...</pre>
 * Prints one line per package: load ms, first call ms (constant decoding and JIT included), then the median and
 * the fastest of the timed calls. {@code --profile} adds the time per op type (time between consecutive op outputs).
 */
public final class ExecutorBench {
    private ExecutorBench() {}

    public static void main(String[] args) {
        ExecutorBackend backend = ExecutorBackend.auto();
        int warmup = 2;
        int repeats = 5;
        boolean profile = false;
        List<Path> packages = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend" -> backend = ExecutorBackend.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                default -> packages.add(Path.of(args[i]));
            }
        }
        for (Path pkg : packages) {
            bench(pkg, backend, warmup, repeats, profile);
        }
    }

    private static void bench(Path pkg, ExecutorBackend backend, int warmup, int repeats, boolean profile) {
        long t0 = System.nanoTime();
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg, backend)) {
            double loadMs = ms(t0);
            Map<String, NdArray> inputs = inputs(exec);
            long t1 = System.nanoTime();
            exec.predict(inputs);
            double firstMs = ms(t1);
            for (int i = 0; i < warmup; i++) {
                exec.predict(inputs);
            }
            OpClock clock = new OpClock();
            if (profile) {
                exec.addObserver(clock);
            }
            BenchSamples times = BenchSamples.time(repeats, i -> {
                clock.last = System.nanoTime();
                exec.predict(inputs);
            });
            System.out.printf(Locale.ROOT, "%s backend=%s conv=%s load=%.0fms first=%.0fms median=%.1fms min=%.1fms "
                            + "(%d timed calls after %d warm-up) non_finite=%s%n",
                    pkg.getFileName(), exec.backend(), exec.convBackendName(), loadMs, firstMs, times.median(),
                    times.min(), repeats, warmup, exec.firstNonFinite().map(Object::toString).orElse("none"));
            if (profile) {
                clock.byType.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                        .forEach(e -> System.out.printf(Locale.ROOT, "  %-28s %8.1f ms/call%n", e.getKey(),
                                e.getValue() / 1e6 / Math.max(1, times.count())));
            }
        }
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

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }
}
