package dev.mrt2.mil.exec;

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
    /** One row and several, fp32 and fp16 weights, fp16 weights held binary16 ({@link OpHarness#sweepLinearCases}). */
    @Test
    void groupedLayersGiveTheOraclesBitsForOneRowAndForSeveral() {
        OpHarness.sweepLinearCases(31, SiblingLinearsTest::check);
    }

    private static void check(int rows, DataType type, SplittableRandom rng) {
        int k = 37;
        OpHarness h = new OpHarness();
        Var x = h.in("x", type, 1, rows, k);
        Var a = h.b.linear("a", x, h.randomWeight("wa", type, 1029, k, rng), null);
        Var b = h.b.linear("b", x, h.randomWeight("wb", type, 5, k, rng), h.randomWeight("bb", type, 5, 0, rng));
        Var c = h.b.linear("c", x, h.randomWeight("wc", type, 4100, k, rng), null);
        Var other = h.b.linear("other", h.b.reshape("xr", x, 1, rows, k),
                h.randomWeight("wo", type, 7, k, rng), null);
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

    private static Map<String, NdArray> run(Model model, ExecutorBackend backend, NdArray x) {
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "siblings", backend)) {
            return e.predict(Map.of("x", x));
        }
    }
}
