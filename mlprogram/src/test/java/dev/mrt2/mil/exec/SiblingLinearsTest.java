package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.OpHarness.s;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Linear layers that share their input are computed as one product ({@link SiblingLinears}); every output must still
 * be the oracle's bits: one row (wide streaming panels) and several, fp32 and fp16 weights, odd widths, with and
 * without bias, and a layer of another input width that must run alone.
 */
class SiblingLinearsTest {
    @Test
    void groupedLayersGiveTheOraclesBitsForOneRowAndForSeveral() {
        for (int rows : new int[] {1, 3}) {
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
                check(rows, type, new SplittableRandom(rows * 31L + type.ordinal()));
            }
        }
    }

    /** The same with binary16 weights kept binary16 in memory ({@link HalfPanels}). */
    @Test
    void groupedLayersOnHalfWeightsGiveTheOraclesBits() {
        String before = System.getProperty(KernelContext.HALF_WEIGHTS);
        System.setProperty(KernelContext.HALF_WEIGHTS, "on");
        try {
            for (int rows : new int[] {1, 3}) {
                check(rows, DataType.FLOAT16, new SplittableRandom(rows * 17L));
            }
        } finally {
            if (before == null) {
                System.clearProperty(KernelContext.HALF_WEIGHTS);
            } else {
                System.setProperty(KernelContext.HALF_WEIGHTS, before);
            }
        }
    }

    private static void check(int rows, DataType type, SplittableRandom rng) {
        int k = 37;
        OpHarness h = new OpHarness();
        Var x = h.in("x", type, 1, rows, k);
        Var a = h.b.linear("a", x, weight(h, "wa", type, 1029, k, rng), null);
        Var b = h.b.linear("b", x, weight(h, "wb", type, 5, k, rng), weight(h, "bb", type, 5, 0, rng));
        Var c = h.b.linear("c", x, weight(h, "wc", type, 4100, k, rng), null);
        Var other = h.b.linear("other", h.b.reshape("xr", x, 1, rows, k),
                weight(h, "wo", type, 7, k, rng), null);
        Model model = h.model(a, b, c, other);
        float[] values = Arrays2.random(rng, rows * k, 1);
        NdArray in = type == DataType.FLOAT16 ? NdArray.f16(new int[] {1, rows, k}, values)
                : NdArray.f32(new int[] {1, rows, k}, values);
        Map<String, NdArray> want = run(model, ExecutorBackend.SCALAR, in);
        Map<String, NdArray> got = run(model, ExecutorBackend.JAVA, in);
        for (String out : new String[] {"a", "b", "c", "other"}) {
            FastPathTest.assertBitEqual(want.get(out).floats(), got.get(out).floats(),
                    "linear '" + out + "' of " + rows + " row(s), " + type + " weights, grouped vs scalar");
        }
    }

    /** A {@code [n, k]} weight, or a bias {@code [n]} when k is 0. */
    private static Var weight(OpHarness h, String name, DataType type, int n, int k, SplittableRandom rng) {
        long[] shape = k == 0 ? s(n) : s(n, k);
        float[] v = Arrays2.random(rng, k == 0 ? n : n * k, 1);
        return type == DataType.FLOAT16 ? h.f16(name, shape, v) : h.f32(name, shape, v);
    }

    private static Map<String, NdArray> run(Model model, ExecutorBackend backend, NdArray x) {
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "siblings", backend)) {
            return e.predict(Map.of("x", x));
        }
    }
}
