package dev.mrt2.model;

import java.nio.charset.StandardCharsets;

/**
 * The synthetic checkpoint's random stream: SplitMix64 seeded from (seed, key) by a fixed hash, with standard normal
 * samples by Marsaglia's polar method. One stream per tensor, so a tensor's values depend on nothing but the seed and
 * its key: not on the other keys, the order tensors are filled in, or the number of threads.
 */
final class SynthRandom {
    private long state;
    private double spare;
    private boolean hasSpare;

    private SynthRandom(long state) {
        this.state = state;
    }

    /** The stream for {@code key} under {@code seed}: FNV-1a 64 of the key's UTF-8 bytes, mixed with the seed. */
    static SynthRandom forKey(long seed, String key) {
        long h = 0xcbf29ce484222325L;              // FNV-1a 64 offset basis
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;  // FNV-1a 64 prime
        }
        return new SynthRandom(mix(h ^ mix(seed)));
    }

    long nextLong() {
        state += 0x9e3779b97f4a7c15L;               // SplitMix64 increment (golden ratio)
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1p-53;
    }

    /** Standard normal N(0, 1). */
    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {   // a point uniform in the unit disc, not at its centre
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }

    /** SplitMix64's output function (Stafford variant 13). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
