package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.host.noise.Gumbel;
import dev.mrt2.host.noise.SplitMix64;
import org.junit.jupiter.api.Test;

/** §3.7–3.8 sampling, against hand-computed values. */
class SamplerTest {
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
    void topKThresholdIsWhatASortedCopyHolds() {
        // the oracle is the definition: sort a copy, take n - k; values drawn from a small set so ties, both zeros,
        // infinities and NaN all occur, at offsets and lengths that are not the whole array
        float[] pool = {-0f, 0f, 1f, -1f, 2.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 7f, 1e-40f};
        SplitMix64 rng = new SplitMix64(7);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + (int) Long.remainderUnsigned(rng.nextLong(), 70);
            int from = (int) Long.remainderUnsigned(rng.nextLong(), 5);
            float[] v = new float[from + n + 3];
            for (int i = 0; i < v.length; i++) {
                long r = rng.nextLong();
                v[i] = (r & 1) == 0 ? pool[(int) Long.remainderUnsigned(r >>> 1, pool.length)]
                        : (float) ((r >>> 11) % 1000) / 64f - 8f;
            }
            int k = 1 + (int) Long.remainderUnsigned(rng.nextLong(), n);
            float[] sorted = java.util.Arrays.copyOfRange(v, from, from + n);
            java.util.Arrays.sort(sorted);
            float got = Sampler.topKThreshold(v, from, n, k);
            assertEquals(Float.floatToRawIntBits(sorted[n - k]), Float.floatToRawIntBits(got),
                    "n " + n + " k " + k + " trial " + trial);
        }
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
