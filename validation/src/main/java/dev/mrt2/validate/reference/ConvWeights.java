package dev.mrt2.validate.reference;

/**
 * One codec convolution in Torch/DJL layout: {@code oihw [c_out, c_in, k_time, k_freq]} and {@code bias [c_out]}.
 * Built from the checkpoint's HWIO kernel {@code [k_time, k_freq, c_in, c_out]} by the permutation (3, 2, 0, 1) and
 * no flip: both the stride-1 convs and the native transposed-conv form are cross-correlations with the stored kernel
 * (mrt2-model.md §2.3, §14.4).
 */
public record ConvWeights(float[] oihw, float[] bias, int cout, int cin, int kt, int kf) {
    private static final int TILE = 32;

    public ConvWeights {
        if (oihw.length != (long) cout * cin * kt * kf || bias.length != cout) {
            throw new IllegalArgumentException("conv weights " + oihw.length + " / bias " + bias.length + " do not fit ["
                    + cout + ", " + cin + ", " + kt + ", " + kf + "]");
        }
    }

    public static ConvWeights fromHwio(float[] hwio, float[] bias, int kt, int kf, int cin, int cout) {
        float[] oihw = new float[hwio.length];
        int taps = kt * kf;
        // in tiles of TILE x TILE (o, i): the writes run in order and the tile's reads (TILE consecutive o of each
        // tap and i) stay in cache; element by element the writes would stride c_in * taps floats apart
        for (int o0 = 0; o0 < cout; o0 += TILE) {
            for (int i0 = 0; i0 < cin; i0 += TILE) {
                for (int o = o0; o < Math.min(cout, o0 + TILE); o++) {
                    for (int i = i0; i < Math.min(cin, i0 + TILE); i++) {
                        int to = (o * cin + i) * taps;
                        for (int tap = 0; tap < taps; tap++) {
                            oihw[to + tap] = hwio[(tap * cin + i) * cout + o];
                        }
                    }
                }
            }
        }
        return new ConvWeights(oihw, bias, cout, cin, kt, kf);
    }

    public float at(int o, int i, int t, int f) {
        return oihw[((o * cin + i) * kt + t) * kf + f];
    }
}
