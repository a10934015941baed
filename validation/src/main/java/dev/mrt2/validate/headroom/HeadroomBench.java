package dev.mrt2.validate.headroom;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.exec.ExecutorBackend;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.OpObserver;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the headroom recorder costs a validation run, for {@code scripts/bench-headroom} (timings never live in unit
 * tests). Runs {@code --steps} predictions from fresh states per round, alternately without and with a recorder
 * attached (the order flips every round so drift cancels), and also clocks the recorder's own scan time.
 * <pre>java -cp mrt2.jar dev.mrt2.validate.headroom.HeadroomBench [--steps N] [--rounds N] PKG</pre>
 * Inputs are seeded: floats uniform in ±0.26, ints 0, the same at every step.
 */
public final class HeadroomBench {
    private HeadroomBench() {}

    public static void main(String[] args) {
        int steps = 64;
        int rounds = 5;
        Path pkg = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> pkg = Path.of(args[i]);
            }
        }
        if (pkg == null) {
            throw new IllegalArgumentException("usage: HeadroomBench [--steps N] [--rounds N] PKG");
        }
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg, ExecutorBackend.fromSystemProperty())) {
            Map<String, NdArray> inputs = inputs(exec);
            ScanClock clock = new ScanClock();
            run(exec, inputs, steps, null);                    // warm-up: constant decoding and JIT
            run(exec, inputs, steps, clock);
            clock.nanos = 0;
            clock.values = 0;
            double[] plain = new double[rounds];
            double[] observed = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    plain[r] = run(exec, inputs, steps, null);
                    observed[r] = run(exec, inputs, steps, clock);
                } else {
                    observed[r] = run(exec, inputs, steps, clock);
                    plain[r] = run(exec, inputs, steps, null);
                }
            }
            double scanMs = clock.nanos / 1e6 / rounds;
            double p = median(plain);
            double o = median(observed);
            System.out.printf(Locale.ROOT, "%s backend=%s steps=%d rounds=%d: plain median %.0f ms, observed median "
                            + "%.0f ms (%+.2f%%); recorder scan %.1f ms per run = %.2f%% of the plain run "
                            + "(%d fp16 ops, %.1fM values per run, %.2f ns per value)%n",
                    pkg.getFileName(), exec.backend(), steps, rounds, p, o, 100 * (o - p) / p, scanMs,
                    100 * scanMs / p, clock.recorder.report().ops().size(), clock.values / 1e6 / rounds,
                    clock.nanos / (double) Math.max(1, clock.values));
        }
    }

    /** Wall milliseconds of {@code steps} predictions from fresh states, with {@code observer} attached if given. */
    private static double run(MlProgramExecutor exec, Map<String, NdArray> inputs, int steps, OpObserver observer) {
        exec.resetStates();
        if (observer != null) {
            exec.addObserver(observer);
        }
        long t = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            exec.predict(inputs);
        }
        double ms = (System.nanoTime() - t) / 1e6;
        if (observer != null) {
            exec.removeObserver(observer);
        }
        return ms;
    }

    /** A recorder that also sums the time spent inside it. */
    private static final class ScanClock implements OpObserver {
        final HeadroomRecorder recorder = new HeadroomRecorder();
        long nanos;
        long values;

        @Override
        public void onOutput(String opName, String opType, NdArray output) {
            long t = System.nanoTime();
            recorder.onOutput(opName, opType, output);
            nanos += System.nanoTime() - t;
            if (output.kind() == NdArray.Kind.F16) {
                values += output.size();
            }
        }
    }

    private static Map<String, NdArray> inputs(MlProgramExecutor exec) {
        SplittableRandom rng = new SplittableRandom(20260718);
        Map<String, NdArray> in = new LinkedHashMap<>();
        for (FeatureDescription f : exec.inputs()) {
            int[] shape = f.type().intDims();
            int n = Math.toIntExact(NdArray.size(shape));
            switch (f.type().dataType()) {
                case INT32 -> in.put(f.name(), NdArray.i32(shape, new int[n]));
                case FLOAT16, FLOAT32 -> {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = (float) ((rng.nextDouble() * 2 - 1) * 0.26);
                    }
                    in.put(f.name(), f.type().dataType() == DataType.FLOAT16 ? NdArray.f16(shape, v)
                            : NdArray.f32(shape, v));
                }
                default -> throw new IllegalArgumentException(f.name() + ": unsupported input type " + f.type());
            }
        }
        return in;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
