package dev.mrt2.mil.exec;

/**
 * Rounds float32 values to the nearest binary16 value (ties to even, overflow to infinity, subnormals kept), as
 * {@link dev.mrt2.safetensors.Float16#round(float)} does, but without the trip through 16-bit patterns: the executor
 * rounds every FP16 op output, so this sits on the hot path. {@code Fp16RoundingTest} pins it to {@code Float16}
 * around every one of the 65 536 half patterns.
 */
final class Fp16Rounding {
    private static final int SIGN = 0x80000000;
    private static final int MIN_NORMAL_HALF_BITS = 0x38800000;  // 2^-14 as float bits
    private static final int FIRST_OVERFLOW_BITS = 0x47800000;   // 2^16: anything rounding up to it is past 65504
    private static final int EXPONENT_ALL_ONES = 0x7F800000;

    private Fp16Rounding() {}

    static float round(float value) {
        int bits = Float.floatToRawIntBits(value);
        int abs = bits & ~SIGN;
        if (abs >= MIN_NORMAL_HALF_BITS) {
            if (abs >= EXPONENT_ALL_ONES) {
                // inf stays inf; NaN becomes the quiet NaN binary16 keeps (top 10 payload bits, quiet bit set)
                return abs == EXPONENT_ALL_ONES ? value : Float.intBitsToFloat((bits | 0x400000) & ~0x1FFF);
            }
            // keep 10 of the 23 mantissa bits: add just under half an ulp, plus the kept lsb for ties-to-even;
            // a carry into the exponent is the correct result
            int rounded = (abs + 0xFFF + ((abs >>> 13) & 1)) & ~0x1FFF;
            if (rounded >= FIRST_OVERFLOW_BITS) {
                rounded = EXPONENT_ALL_ONES;
            }
            return Float.intBitsToFloat((bits & SIGN) | rounded);
        }
        // below 2^-14 binary16 is fixed point with step 2^-24; scaling by powers of two is exact, rint is ties-to-even
        return (float) (Math.rint(value * 0x1p24f) * 0x1p-24);
    }

    /**
     * Rounds {@code values} in place and tells whether every rounded value is finite: the executor needs both for an
     * FP16 op output, and one pass over a decoder activation (millions of values) costs less than two.
     */
    static boolean roundInPlace(float[] values) {
        java.util.concurrent.atomic.AtomicBoolean nonFinite = new java.util.concurrent.atomic.AtomicBoolean();
        boolean jdk = JdkHalfFloat.available();
        Parallel.range(values.length, (from, to) -> {
            Boolean finite = jdk ? JdkHalfFloat.roundInPlace(values, from, to) : null;   // Java 21+: vectorized
            if (finite == null) {
                finite = roundLoop(values, from, to);
            }
            if (!finite) {
                nonFinite.set(true);
            }
        });
        return !nonFinite.get();
    }

    /** {@link #round} over {@code values[from, to)}; whether every rounded value is finite. */
    static boolean roundLoop(float[] values, int from, int to) {
        boolean bad = false;
        for (int i = from; i < to; i++) {
            float r = round(values[i]);
            values[i] = r;
            bad |= r - r != 0;             // NaN for an infinity or a NaN, 0 for every finite value
        }
        return !bad;
    }
}
