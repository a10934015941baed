package dev.mrt2.mil.exec;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Map;

/** Builds a small program with MilBuilder and runs it in memory on the scalar (oracle) kernels. */
final class OpHarness {
    final MilBuilder b;

    OpHarness() {
        this(Opset.IOS18);
    }

    OpHarness(Opset opset) {
        b = new MilBuilder(opset, new MemoryWeights());
    }

    Var in(String name, DataType dt, long... shape) {
        return b.input(name, TensorType.of(dt, shape));
    }

    Var f32(String name, long[] shape, float... values) {
        return b.constant(name, TensorType.of(DataType.FLOAT32, shape), values);
    }

    Var f16(String name, long[] shape, float... values) {
        return b.constant(name, TensorType.of(DataType.FLOAT16, shape), values);
    }

    Model model(Var... outputs) {
        for (Var v : outputs) {
            b.output(v.name(), v);
        }
        return b.build(null);
    }

    Map<String, NdArray> run(Map<String, NdArray> inputs, Var... outputs) {
        return run(ExecutorBackend.SCALAR, inputs, outputs);
    }

    Map<String, NdArray> run(ExecutorBackend backend, Map<String, NdArray> inputs, Var... outputs) {
        try (MlProgramExecutor exec = MlProgramExecutor.forModel(model(outputs), "test", backend)) {
            return exec.predict(inputs);
        }
    }

    static long[] s(long... dims) {
        return dims;
    }

    /** A random {@code [n, k]} weight in [-1, 1), or a bias {@code [n]} when k is 0. */
    Var randomWeight(String name, DataType type, int n, int k, java.util.SplittableRandom rng) {
        long[] shape = k == 0 ? s(n) : s(n, k);
        float[] v = Arrays2.random(rng, k == 0 ? n : n * k, 1);
        return type == DataType.FLOAT16 ? f16(name, shape, v) : f32(name, shape, v);
    }

    /** A bit-exactness case: {@code rows} rows of x, weights of {@code type}, inputs drawn from {@code rng}. */
    @FunctionalInterface
    interface RowsCase {
        void check(int rows, DataType type, java.util.SplittableRandom rng);
    }

    /**
     * The cases every fast linear path is held to: 1 row (wide streaming panels) and 3, fp32 and fp16 weights, then fp16
     * weights kept binary16 ({@link HalfPanels}); {@code salt} varies the inputs between suites.
     */
    static void sweepLinearCases(long salt, RowsCase c) {
        for (int rows : new int[] {1, 3}) {
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
                c.check(rows, type, new java.util.SplittableRandom(rows * salt + type.ordinal()));
            }
        }
        withHalfWeights(() -> {
            for (int rows : new int[] {1, 3}) {
                c.check(rows, DataType.FLOAT16, new java.util.SplittableRandom(rows * salt + 101));
            }
        });
    }

    /** Runs {@code body} with binary16 linear weights kept binary16 ({@link HalfPanels}), then restores the setting. */
    static void withHalfWeights(Runnable body) {
        String before = System.getProperty(KernelContext.HALF_WEIGHTS);
        System.setProperty(KernelContext.HALF_WEIGHTS, "on");
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(KernelContext.HALF_WEIGHTS);
            } else {
                System.setProperty(KernelContext.HALF_WEIGHTS, before);
            }
        }
    }
}
