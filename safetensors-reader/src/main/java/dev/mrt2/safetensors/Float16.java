package dev.mrt2.safetensors;

/**
 * IEEE-754 binary16 conversions. Java 17 has no {@code Float.floatToFloat16} (that arrived in JDK 20), and
 * every FP16 byte we write or emulate must round exactly like numpy / Core ML: round to nearest, ties to even,
 * overflow to infinity, subnormals kept.
 */
public final class Float16 {
    /** Largest finite half value. */
    public static final float MAX_VALUE = 65504f;

    private Float16() {}

    /** binary16 bits to float (exact: every half value is a float). */
    public static float toFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {                       // inf or NaN: keep the payload's top bits
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** float to binary16 bits, round to nearest even, overflow to infinity, NaN stays NaN. */
    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exp = (f >>> 23) & 0xFF;
        int mant = f & 0x7FFFFF;
        if (exp == 0xFF) {                       // inf / NaN
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;                  // rebias
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);      // overflow
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;             // below half the smallest subnormal: +-0
            }
            // subnormal: shift the full significand (implicit 1 included) right, rounding to nearest even
            int sig = mant | 0x800000;
            int shift = 14 - e;                  // 13 + (1 - e)
            int half = sig >>> shift;
            int rem = sig & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;                              // may carry into the exponent, up to infinity: correct
        }
        return (short) (sign | half);
    }

    /** The float nearest to {@code value} that is representable in binary16. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
