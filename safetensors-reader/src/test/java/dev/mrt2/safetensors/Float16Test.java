package dev.mrt2.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {
    @Test
    void knownBitPatterns() {
        assertEquals((short) 0x3C00, Float16.fromFloat(1.0f));
        assertEquals((short) 0x3800, Float16.fromFloat(0.5f));
        assertEquals((short) 0x3E00, Float16.fromFloat(1.5f));
        assertEquals((short) 0xC000, Float16.fromFloat(-2.0f));
        assertEquals((short) 0x7BFF, Float16.fromFloat(65504f));
        assertEquals((short) 0x0001, Float16.fromFloat(0x1p-24f));
        assertEquals((short) 0x0400, Float16.fromFloat(0x1p-14f));
    }

    @Test
    void overflowBecomesInfinity() {
        assertEquals((short) 0x7C00, Float16.fromFloat(65520f));   // rounds up past MAX_VALUE
        assertEquals((short) 0x7BFF, Float16.fromFloat(65519f));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.round(-1e6f));
        assertTrue(Float.isNaN(Float16.round(Float.NaN)));
    }

    @Test
    void tiesRoundToEven() {
        // 1 + 2^-11 lies exactly between 1 and the next half (1 + 2^-10): ties to the even mantissa, 1.0
        assertEquals(1.0f, Float16.round(1.0f + 0x1p-11f));
        // 1 + 3*2^-11 lies between 1+2^-10 (odd) and 1+2^-9 (even): goes up
        assertEquals(1.0f + 0x1p-9f, Float16.round(1.0f + 3 * 0x1p-11f));
        // smallest subnormal tie: 2^-25 is half of 2^-24, ties to even (0)
        assertEquals(0.0f, Float16.round(0x1p-25f));
        assertEquals(0x1p-24f, Float16.round(0x1.8p-25f));
    }

    @Test
    void everyHalfRoundTripsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = Float16.toFloat(h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(h, Float16.fromFloat(f), "half 0x" + Integer.toHexString(bits));
        }
    }
}
