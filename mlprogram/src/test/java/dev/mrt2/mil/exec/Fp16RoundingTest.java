package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mrt2.safetensors.Float16;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Fp16RoundingTest {
    private static void same(float v) {
        int want = Float.floatToRawIntBits(Float16.round(v));
        int got = Float.floatToRawIntBits(Fp16Rounding.round(v));
        if (want != got) {
            assertEquals(Integer.toHexString(want), Integer.toHexString(got),
                    "fp16 rounding of " + v + " (0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")");
        }
    }

    /** Every half value, its float neighbours, the midpoint to the next half and the floats beside that midpoint. */
    @Test
    void matchesFloat16AroundEveryHalfPattern() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Float16.toFloat((short) bits);
            same(f);
            same(Math.nextUp(f));
            same(Math.nextDown(f));
            if ((bits & 0x7FFF) < 0x7C00) {          // finite: the tie with the next half away from zero
                float next = Float16.toFloat((short) (bits + 1));
                float mid = (float) (((double) f + next) / 2);
                same(mid);
                same(Math.nextUp(mid));
                same(Math.nextDown(mid));
            }
        }
    }

    @Test
    void matchesFloat16OnRandomBitPatterns() {
        SplittableRandom rng = new SplittableRandom(20260718);
        for (int i = 0; i < 2_000_000; i++) {
            same(Float.intBitsToFloat(rng.nextInt()));
        }
    }

    @Test
    void overflowTiesAndSubnormals() {
        assertEquals(Float.POSITIVE_INFINITY, Fp16Rounding.round(65520f));        // halfway past 65504 rounds up
        assertEquals(65504f, Fp16Rounding.round(65519.99f));
        assertEquals(Float.NEGATIVE_INFINITY, Fp16Rounding.round(-1e6f));
        assertEquals(1.0f, Fp16Rounding.round(1.0f + 0x1p-11f));                 // tie to the even mantissa
        assertEquals(0x1p-24f, Fp16Rounding.round(0x1.8p-25f));                  // subnormal rounds up
        assertEquals(0f, Fp16Rounding.round(0x1p-25f));                          // subnormal tie to even (zero)
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Fp16Rounding.round(-0x1p-30f)));
    }

    @Test
    void roundingInPlaceTellsWhetherEveryRoundedValueIsFinite() {
        float[] fits = {1.5f, -65504f, 65519.99f, 0x1p-30f, -0f};
        org.junit.jupiter.api.Assertions.assertTrue(Fp16Rounding.roundInPlace(fits));
        assertEquals(65504f, fits[2]);
        // 65520 is the tie between 65504 and 2^16: it rounds to infinity, which the answer must report
        for (float bad : new float[] {65520f, -1e6f, Float.NaN, Float.NEGATIVE_INFINITY}) {
            float[] big = new float[(1 << 17) + 3];     // several chunks, so the answer comes from every core's part
            java.util.Arrays.fill(big, 0.25f);
            big[big.length - 2] = bad;
            org.junit.jupiter.api.Assertions.assertFalse(Fp16Rounding.roundInPlace(big), "with " + bad);
            assertEquals(0.25f, big[0]);
        }
    }

    /**
     * The array form gives every value {@code Float16.round}'s bits, on the JDK's vectorized conversions where this JVM
     * has them (Java 21+; CI runs this class on 17 and 25) and in the scalar loop otherwise: every half's neighbourhood
     * and midpoints, random finite patterns, and random patterns with NaNs (whose chunks keep the scalar rounding and
     * its NaN payloads).
     */
    @Test
    void roundingInPlaceGivesEveryValueFloat16sBits() {
        float[] around = new float[0x10000 * 6];
        int n = 0;
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Float16.toFloat((short) bits);
            if (f != f) {
                continue;
            }
            around[n++] = f;
            around[n++] = Math.nextUp(f);
            around[n++] = Math.nextDown(f);
            if ((bits & 0x7FFF) < 0x7C00) {
                float mid = (float) (((double) f + Float16.toFloat((short) (bits + 1))) / 2);
                around[n++] = mid;
                around[n++] = Math.nextUp(mid);
                around[n++] = Math.nextDown(mid);
            }
        }
        assertRoundsLikeFloat16(java.util.Arrays.copyOf(around, n), "around every half");
        SplittableRandom rng = new SplittableRandom(21);
        float[] finite = new float[1 << 20];
        float[] any = new float[1 << 20];
        for (int i = 0; i < finite.length; i++) {
            float f;
            do {
                f = Float.intBitsToFloat(rng.nextInt());
            } while (f != f);
            finite[i] = f;
            any[i] = Float.intBitsToFloat(rng.nextInt());
        }
        assertRoundsLikeFloat16(finite, "random patterns, no NaN");
        assertRoundsLikeFloat16(any, "random patterns with NaNs");
    }

    private static void assertRoundsLikeFloat16(float[] values, String what) {
        float[] rounded = values.clone();
        boolean finite = Fp16Rounding.roundInPlace(rounded);
        boolean allFinite = true;
        for (int i = 0; i < values.length; i++) {
            float want = Float16.round(values[i]);
            allFinite &= Float.isFinite(want);
            if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(rounded[i])) {
                assertEquals(Integer.toHexString(Float.floatToRawIntBits(want)),
                        Integer.toHexString(Float.floatToRawIntBits(rounded[i])), what + ": element " + i + " ("
                        + Integer.toHexString(Float.floatToRawIntBits(values[i])) + ")");
            }
        }
        assertEquals(allFinite, finite, what + ": whether every rounded value is finite");
    }
}
