package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** §3.7–3.8 sampling and the SplitMix64 / Gumbel host contract, against hand-computed values. */
class SamplerTest {
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

    @Test
    void topKThresholdCountsRepeatsAndTiesAreKept() {
        float[] v = {5, 1, 3, 3, 3, 0};
        assertEquals(3f, Sampler.topKThreshold(v, 0, 6, 2));
        assertEquals(3f, Sampler.topKThreshold(v, 0, 6, 4));
        assertEquals(1f, Sampler.topKThreshold(v, 0, 6, 5));
        // top-2 keeps 5 and every 3; a big noise on a tied 3 can win, on 1 it cannot
        Sampler s = new Sampler(6, 2);
        float[] noise = {0, 100, 0, 0, 10, 0};
        assertEquals(4, s.sampleCode(v, noise, 1f), "tied entry at the threshold is kept");
        float[] onlyLow = {0, 100, 0, 0, 0, 0};
        assertEquals(0, s.sampleCode(v, onlyLow, 1f), "entry below the threshold is masked to -1e4");
    }

    @Test
    void rolloutRuleScalesLogitsByInverseTemperature() {
        // logits 2 vs 1, noise 0 vs 0.6: at invT = 1: 2 vs 1.6 -> 0; at invT = 0.5: 1 vs 1.1 -> 1
        Sampler s = new Sampler(2, 2);
        assertEquals(0, s.sampleCode(new float[] {2, 1}, new float[] {0, 0.6f}, 1f));
        assertEquals(1, s.sampleCode(new float[] {2, 1}, new float[] {0, 0.6f}, 0.5f));
        assertEquals(20f, Sampler.inverseTemperature(0f));
        assertEquals(1f / 1.3f, Sampler.inverseTemperature(1.3f));
    }

    @Test
    void referenceRuleMasksOtherLevelsAndReturnsUniqueIds() {
        // C = 2, 3 levels: V = 6 + 6; level 1 owns ids 8, 9
        Sampler s = new Sampler(2, 1);
        float[] logits = {29, 29, 29, 29, 29, 29, 20, 20, 1, 2, 25, 25};
        assertEquals(9, s.sampleUnique(logits, 1, null, 0f), "argmax inside level 1 only");
        assertEquals(9, s.sampleUnique(logits, 1, new float[] {50, 0}, 1f), "top-1 keeps only id 9");
        Sampler top2 = new Sampler(2, 2);
        assertEquals(8, top2.sampleUnique(logits, 1, new float[] {1.5f, 0}, 1f), "1 + 1.5 > 2 + 0");
        assertEquals(9, top2.sampleUnique(logits, 1, new float[] {1.5f, 0}, 0.5f), "1 + 0.75 < 2");
        assertEquals(9, top2.sampleUnique(logits, 1, new float[] {1.5f, 0}, 0f), "T = 0 is argmax");
        assertEquals(6, s.uniqueId(0, 0));
        assertEquals(11, s.uniqueId(2, 1));
    }

    @Test
    void bothRulesAgreeAtTemperatureOne() {
        SplitMix64 rng = new SplitMix64(42);
        Sampler s = new Sampler(64, 40);
        for (int trial = 0; trial < 50; trial++) {
            float[] level = new float[64];
            for (int c = 0; c < 64; c++) {
                level[c] = (float) (rng.nextGaussian() * 5);
            }
            float[] noise = Gumbel.noise(rng, 1, 64)[0];
            float[] full = new float[6 + 64 * 2];
            System.arraycopy(level, 0, full, 6 + 64, 64);
            assertEquals(6 + 64 + s.sampleCode(level, noise, 1f), s.sampleUnique(full, 1, noise, 1f));
        }
        assertArrayEquals(new float[2], Gumbel.zeros(1, 2)[0]);
        assertTrue(new Sampler(4, 4).sampleCode(new float[] {1, 1, 1, 1}, new float[4], 1f) == 0,
                "argmax ties go to the lowest code");
    }
}
