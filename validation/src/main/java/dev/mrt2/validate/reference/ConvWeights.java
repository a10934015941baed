package dev.mrt2.validate.reference;

/**
 * One codec convolution in Torch/DJL layout: {@code oihw [c_out, c_in, k_time, k_freq]} and {@code bias [c_out]}.
 * Built from the checkpoint's HWIO kernel {@code [k_time, k_freq, c_in, c_out]} by the permutation (3, 2, 0, 1) and
 * no flip: both the stride-1 convs and the native transposed-conv form are cross-correlations with the stored kernel
 * (mrt2-model.md §2.3, §14.4).
 */
public record ConvWeights(float[] oihw, float[] bias, int cout, int cin, int kt, int kf) {
    public ConvWeights {
        if (oihw.length != (long) cout * cin * kt * kf || bias.length != cout) {
            throw new IllegalArgumentException("conv weights " + oihw.length + " / bias " + bias.length + " do not fit ["
                    + cout + ", " + cin + ", " + kt + ", " + kf + "]");
        }
    }

    public static ConvWeights fromHwio(float[] hwio, float[] bias, int kt, int kf, int cin, int cout) {
        float[] oihw = new float[hwio.length];
        for (int t = 0; t < kt; t++) {
            for (int f = 0; f < kf; f++) {
                for (int i = 0; i < cin; i++) {
                    for (int o = 0; o < cout; o++) {
                        oihw[((o * cin + i) * kt + t) * kf + f] = hwio[((t * kf + f) * cin + i) * cout + o];
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
