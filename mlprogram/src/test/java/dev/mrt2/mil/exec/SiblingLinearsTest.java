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
        OpHarness.withHalfWeights(() -> {
            for (int rows : new int[] {1, 3}) {
                check(rows, DataType.FLOAT16, new SplittableRandom(rows * 17L));
            }
        });
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
