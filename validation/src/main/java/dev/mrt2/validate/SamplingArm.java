package dev.mrt2.validate;

import java.util.List;

/**
 * A sampling configuration the token comparison runs (after the seed's rollout validator, mrt2-model.md §8.2).
 *
 * @param name        receipt key
 * @param temperature T; 0 = argmax, the noise is then unused
 * @param noiseSalt   added to the run's seed to seed this arm's SplitMix64 noise stream
 */
record SamplingArm(String name, float temperature, long noiseSalt) {
    /** Greedy, and the model's default temperature 1.3 with noise. */
    static final List<SamplingArm> DEFAULT = List.of(
            new SamplingArm("argmax", 0f, 1000),
            new SamplingArm("noise_t13", 1.3f, 9000));

    static SamplingArm byName(String name) {
        return DEFAULT.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no sampling arm '" + name + "'"));
    }
}
