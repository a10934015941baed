package dev.mrt2.host.noise;

/**
 * The host noise generator of mrt2-model.md §3.8 (the Swift runtime's SplitMix64), in 64-bit wrapping arithmetic:
 * {@code state += 0x9E3779B97F4A7C15; z = state; z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9;
 * z = (z ^ (z >>> 27)) * 0x94D049BB133111EB; z ^= z >>> 31}; a uniform float is {@code (z >>> 40) / 2^24}.
 * Seed 0 is replaced by the golden gamma. Documented and platform-independent, so any host (a Swift app, the
 * validator, {@code mrt2 render}) regenerates the same noise from the same seed.
 */
public final class SplitMix64 {
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed == 0 ? GOLDEN_GAMMA : seed;
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits: every value is exactly representable in float32. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /**
     * A standard normal value from two uniforms (Box–Muller, float64, the cosine branch only), for seeded synthetic
     * inputs when the seed fixtures' shapes do not fit.
     */
    public double nextGaussian() {
        double u1 = Math.max(nextFloat(), 0x1.0p-24);
        double u2 = nextFloat();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
