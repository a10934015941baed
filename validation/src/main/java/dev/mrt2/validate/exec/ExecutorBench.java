package dev.mrt2.validate.exec;

import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.validate.tensor.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times {@link MlProgramExecutor#predict} on packages, for {@code scripts/bench-executor} (timings never live in unit
 * tests). Inputs are seeded: floats N(0, 0.15²)-like uniform noise of the same spread, ints 0.
 * <pre>java -cp mrt2.jar dev.mrt2.validate.exec.ExecutorBench [--backend B] [--warmup N] [--repeats N] PKG...</pre>
 * Prints one line per package: load ms, first call ms (constant decoding and JIT included), then the median and
 * the fastest of the timed calls.
 */
public final class ExecutorBench {
    private ExecutorBench() {}

    public static void main(String[] args) {
        ExecutorBackend backend = ExecutorBackend.auto();
        int warmup = 2;
        int repeats = 5;
        List<Path> packages = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend" -> backend = ExecutorBackend.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> packages.add(Path.of(args[i]));
            }
        }
        for (Path pkg : packages) {
            bench(pkg, backend, warmup, repeats);
        }
    }

    private static void bench(Path pkg, ExecutorBackend backend, int warmup, int repeats) {
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
            double[] times = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t = System.nanoTime();
                exec.predict(inputs);
                times[i] = ms(t);
            }
            Arrays.sort(times);
            System.out.printf(Locale.ROOT, "%s backend=%s conv=%s load=%.0fms first=%.0fms median=%.1fms min=%.1fms "
                            + "(%d timed calls after %d warm-up) non_finite=%s%n",
                    pkg.getFileName(), exec.backend(), exec.convBackendName(), loadMs, firstMs,
                    times.length == 0 ? Double.NaN : times[times.length / 2], times.length == 0 ? Double.NaN : times[0],
                    repeats, warmup, exec.firstNonFinite().map(Object::toString).orElse("none"));
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
