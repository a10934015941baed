package dev.mrt2.host.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The §3.8 host noise contract (SplitMix64, Gumbel), against published and hand-computed values. */
class SplitMix64Test {
    @Test
    void splitMix64MatchesTheReferenceSequence() {
        // Vigna's splitmix64.c from state 1234567: the published first outputs
        SplitMix64 r = new SplitMix64(1234567);
        assertEquals(6457827717110365317L, r.nextLong());
        assertEquals(3203168211198807973L, r.nextLong());
        assertEquals(Long.parseUnsignedLong("9817491932198370423"), r.nextLong());
    }

    @Test
    void seedZeroIsReplacedByTheGoldenGammaAndFloatsUseTheTop24Bits() {
        // state starts at 0x9E3779B97F4A7C15, first output = mix(2 * 0x9E3779B97F4A7C15)
        SplitMix64 r = new SplitMix64(0);
        long first = r.nextLong();
        assertEquals(7960286522194355700L, first);
        assertEquals((first >>> 40) / 16777216.0f, 0.4315279722213745f);
        SplitMix64 f = new SplitMix64(20260718);
        assertEquals(0.947236180305481f, f.nextFloat());
        assertEquals(0.4586682915687561f, f.nextFloat());
        assertEquals(0.33713436126708984f, f.nextFloat());
    }

    @Test
    void gumbelOfUniform() {
        // -ln(-ln u): u = 0.5 -> -ln(ln 2); u = 0 is floored at 1e-7 -> -ln(16.118...)
        assertEquals(0.36651292f, Gumbel.of(0.5f));
        assertEquals(-2.7799425f, Gumbel.of(0f));
        assertEquals(-0.32663426f, Gumbel.of(0.25f));
        float[][] g = Gumbel.noise(new SplitMix64(1), 2, 3);
        assertEquals(Gumbel.of(0.5665615200996399f), g[0][0]);
        assertEquals(Gumbel.of(0.7457817196846008f), g[0][1]);
    }
}
