package dev.mrt2.host.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The rollout's host inputs from one seed (spec §3.8). */
class SamplingNoiseTest {
    @Test
    void noiseIsSplitMixGumbelInLevelMajorOrderFrameAfterFrame() {
        SamplingNoise n = new SamplingNoise(42, 1.3f, 2, 3);
        SplitMix64 r = new SplitMix64(42);
        float[] first = n.next();
        float[] second = n.next();
        for (float v : first) {
            assertEquals(Gumbel.of(r.nextFloat()), v);
        }
        assertEquals(Gumbel.of(r.nextFloat()), second[0]);
        assertEquals(1f / 1.3f, n.inverseTemperature());
    }

    @Test
    void temperatureZeroIsArgmaxAndTheInverseIsClampedAt20() {
        SamplingNoise n = new SamplingNoise(1, 0f, 2, 3);
        assertArrayEquals(new float[6], n.next());
        assertEquals(20f, n.inverseTemperature());
        assertThrows(IllegalArgumentException.class, () -> new SamplingNoise(1, -1f, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new SamplingNoise(1, Float.NaN, 2, 3));
    }
}
