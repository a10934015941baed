package dev.mrt2.host.noise;

/**
 * The per-frame rollout inputs of mrt2-model.md §3.8 from one seed: {@code gumbel_noise [L, C]} drawn from
 * SplitMix64(seed) in level-major order, frame after frame, and {@code inverse_temperature = 1 / max(0.05, T)}. At
 * T = 0 the noise is zero (pure argmax) and the generator is not advanced.
 */
public final class SamplingNoise {
    /** §3.8: the rollout clamps the temperature here so the inverse stays finite. */
    public static final float MIN_TEMPERATURE = 0.05f;

    private final SplitMix64 rng;
    private final float temperature;
    private final int levels;
    private final int codes;

    public SamplingNoise(long seed, float temperature, int levels, int codes) {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature " + temperature + ": must be 0 or more");
        }
        this.rng = new SplitMix64(seed);
        this.temperature = temperature;
        this.levels = levels;
        this.codes = codes;
    }

    public float temperature() {
        return temperature;
    }

    /** {@code 1 / max(0.05, T)}. */
    public float inverseTemperature() {
        return 1f / Math.max(MIN_TEMPERATURE, temperature);
    }

    /** The next frame's noise {@code [L * C]}, level-major. */
    public float[] next() {
        float[] g = new float[levels * codes];
        if (temperature > 0) {
            for (int i = 0; i < g.length; i++) {
                g[i] = Gumbel.of(rng.nextFloat());
            }
        }
        return g;
    }
}
