package dev.mrt2.host.noise;

/**
 * Gumbel(0, 1) noise for sampling (mrt2-model.md §3.8 host contract): {@code g = -ln(-ln(max(u, 1e-7)))} for u
 * uniform in [0, 1), evaluated in float64 and rounded once to float32.
 */
public final class Gumbel {
    private Gumbel() {}

    public static final double U_FLOOR = 1e-7;

    public static float of(float u) {
        return (float) -Math.log(-Math.log(Math.max(u, U_FLOOR)));
    }

    /** {@code [levels][codes]} noise drawn in row-major order from {@code rng}. */
    public static float[][] noise(SplitMix64 rng, int levels, int codes) {
        float[][] g = new float[levels][codes];
        for (int l = 0; l < levels; l++) {
            for (int c = 0; c < codes; c++) {
                g[l][c] = of(rng.nextFloat());
            }
        }
        return g;
    }

    /** All-zero noise: sampling degenerates to argmax. */
    public static float[][] zeros(int levels, int codes) {
        return new float[levels][codes];
    }
}
