package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.safetensors.Float16;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Weights kept as binary16 ({@link HalfPanels}) against the scalar loop on the widened weights, in each layout this JVM
 * runs ({@link HalfPanels.Layout#ROWS} needs Java 21+; CI runs this class on Java 17 and 25): odd sizes and row counts,
 * one row (a streaming step, widened inside the sum in the rows layout) and several, zeros of both signs and
 * subnormals (patched in the pairs layout), the largest halves; a weight with an infinity or a NaN is refused, and in
 * the pairs layout one with too many patches (the float32 panels take it).
 */
class HalfPanelsTest {
    @Test
    void productsAreTheScalarLoopsBits() {
        SplittableRandom rng = new SplittableRandom(16);
        int[][] sizes = {{1, 1, 1}, {1, 4096, 1024}, {1, 13, 7}, {3, 33, 101}, {2, 1300, 515}, {12, 67, 17},
                {5, 1, 9}, {1, 3072, 1024}, {4, 17, 32}};
        for (int[] mnk : sizes) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            short[] bits = new short[n * k];
            float[] widened = new float[n * k];
            for (int i = 0; i < bits.length; i++) {
                int draw = rng.nextInt(100);
                short h = draw == 0 ? 0 : draw == 1 ? (short) 0x8000                            // ±0
                        : draw == 2 ? (short) (rng.nextInt(0x3ff) + 1 | (rng.nextBoolean() ? 0x8000 : 0))   // subnormal
                        : draw == 3 ? (short) (0x7bff | (rng.nextBoolean() ? 0x8000 : 0))                // ±65504
                        : Float16.fromFloat((float) rng.nextGaussian() * 0.05f);
                bits[i] = h;
                widened[i] = Float16.toFloat(h);
            }
            float[] a = Arrays2.random(rng, m * k, 1);
            float[] want = new float[m * n];
            Gemm.scalar(a, 0, widened, 0, want, 0, m, n, k);
            for (HalfPanels.Layout layout : layouts()) {
                for (int width : new int[] {Panels.widthFor(n, (long) m), 16}) {
                    HalfPanels half = HalfPanels.fromTransposed(bits, n, k, width, layout);
                    assertNotNull(half, "fits [" + n + "x" + k + "]");
                    assertEquals(layout, half.layout());
                    for (boolean twoRows : new boolean[] {true, false}) {
                        float[] got = new float[m * n];
                        half.multiply(a, 0, m, got, 0, twoRows);
                        FastPathTest.assertBitEqual(want, got, layout + " binary16 panels of width " + width + ", ["
                                + m + "x" + k + "]·[" + k + "x" + n + "], two rows a pass " + twoRows + ", vs scalar");
                    }
                }
            }
        }
    }

    @Test
    void nonFiniteWeightsAndTooManyPatchesAreRefused() {
        for (HalfPanels.Layout layout : layouts()) {
            short[] bits = new short[64 * 8];
            java.util.Arrays.fill(bits, Float16.fromFloat(0.5f));
            bits[100] = (short) 0xfc00;                               // -inf
            assertNull(HalfPanels.fromTransposed(bits, 64, 8, 32, layout), layout + ": -inf");
            bits[100] = (short) 0x7e00;                               // NaN
            assertNull(HalfPanels.fromTransposed(bits, 64, 8, 32, layout), layout + ": NaN");
        }
        short[] zeros = new short[64 * 8];                            // all zero: every element a patch
        assertNull(HalfPanels.fromTransposed(zeros, 64, 8, 32, HalfPanels.Layout.PAIRS));
        if (JdkHalfFloat.available()) {
            assertNotNull(HalfPanels.fromTransposed(zeros, 64, 8, 32, HalfPanels.Layout.ROWS), "rows need no patches");
        }
    }

    @Test
    void theBestLayoutFollowsTheJvm() {
        boolean vectorizing = Runtime.version().feature() >= JdkHalfFloat.FIRST_VECTORIZED_RELEASE;
        assertEquals(vectorizing, JdkHalfFloat.available());
        assertEquals(vectorizing ? HalfPanels.Layout.ROWS : HalfPanels.Layout.PAIRS, HalfPanels.Layout.best());
        if (!vectorizing) {
            assertThrows(IllegalStateException.class,
                    () -> HalfPanels.fromTransposed(new short[4], 2, 2, 16, HalfPanels.Layout.ROWS));
        }
    }

    /** The layouts this JVM can run. */
    private static List<HalfPanels.Layout> layouts() {
        return JdkHalfFloat.available() ? List.of(HalfPanels.Layout.PAIRS, HalfPanels.Layout.ROWS)
                : List.of(HalfPanels.Layout.PAIRS);
    }
}
