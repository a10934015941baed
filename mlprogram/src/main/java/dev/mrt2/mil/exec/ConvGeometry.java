package dev.mrt2.mil.exec;

import java.util.Arrays;

/**
 * The sizes of one {@code conv} or {@code conv_transpose}, with the padding already resolved from {@code pad_type}.
 * Spatial arrays have one entry per spatial axis (1 to 3).
 *
 * <p>For {@code conv}, {@code before}/{@code after} are the zero padding added to the input. For
 * {@code conv_transpose}, the full output {@code (D_in − 1)·s + (K − 1)·d + 1} is computed first and the result is
 * the window starting {@code before} into it, {@code outSpatial} long (positions past the full output are zero).
 */
public record ConvGeometry(boolean transpose, int batch, int inChannels, int outChannels, int groups,
                    int[] inSpatial, int[] kernel, int[] strides, int[] dilations,
                    int[] before, int[] after, int[] outSpatial) {

    public int spatialRank() {
        return inSpatial.length;
    }

    public int inSize() {
        return Shapes.size(inSpatial);
    }

    public int outSize() {
        return Shapes.size(outSpatial);
    }

    public int kernelSize() {
        return Shapes.size(kernel);
    }

    /** The full transposed-convolution length on spatial axis {@code i}, before cropping. */
    public int fullLength(int i) {
        return (inSpatial[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    }

    public int[] outShape() {
        int[] s = new int[2 + outSpatial.length];
        s[0] = batch;
        s[1] = outChannels;
        System.arraycopy(outSpatial, 0, s, 2, outSpatial.length);
        return s;
    }

    /** Spatial arrays padded to three axes with leading unit axes, so the plain loops handle 1-D to 3-D alike. */
    public ConvGeometry as3d() {
        if (spatialRank() == 3) {
            return this;
        }
        return new ConvGeometry(transpose, batch, inChannels, outChannels, groups, lift(inSpatial, 1), lift(kernel, 1),
                lift(strides, 1), lift(dilations, 1), lift(before, 0), lift(after, 0), lift(outSpatial, 1));
    }

    /**
     * The sub-kernel size of output phase {@code r} of a transposed convolution (this geometry as 3-D) on each axis:
     * the taps {@code k ≡ r (mod s)}; null when no tap reaches the phase (its outputs stay zero).
     */
    public int[] phaseKernel(int[] r) {
        int[] kr = new int[3];
        for (int i = 0; i < 3; i++) {
            kr[i] = r[i] < kernel[i] ? (kernel[i] - r[i] + strides[i] - 1) / strides[i] : 0;
            if (kr[i] == 0) {
                return null;
            }
        }
        return kr;
    }

    /**
     * The stride-1 kernel that computes phase {@code r} of this (3-D) transposed convolution, {@code [C_out, C_in/g,
     * *K_r]} with {@code w'[o, c, j] = w[g·C_in/g + c, o mod C_out/g, (K_r − 1 − j)·s + r]} on every axis: the phase's
     * taps, flipped. {@code w} is the transposed convolution's weight {@code [C_in, C_out/g, *K]}.
     */
    public float[] phaseWeight(float[] w, int[] r, int[] kr) {
        int cinG = inChannels / groups;
        int coutG = outChannels / groups;
        int krSize = kr[0] * kr[1] * kr[2];
        float[] out = new float[outChannels * cinG * krSize];
        int pos = 0;
        for (int o = 0; o < outChannels; o++) {
            int grp = o / coutG;
            int ol = o % coutG;
            for (int c = 0; c < cinG; c++) {
                int src = ((grp * cinG + c) * coutG + ol) * kernel[0] * kernel[1] * kernel[2];
                for (int j0 = 0; j0 < kr[0]; j0++) {
                    int k0 = (kr[0] - 1 - j0) * strides[0] + r[0];
                    for (int j1 = 0; j1 < kr[1]; j1++) {
                        int k1 = (kr[1] - 1 - j1) * strides[1] + r[1];
                        for (int j2 = 0; j2 < kr[2]; j2++) {
                            int k2 = (kr[2] - 1 - j2) * strides[2] + r[2];
                            out[pos++] = w[src + (k0 * kernel[1] + k1) * kernel[2] + k2];
                        }
                    }
                }
            }
        }
        return out;
    }

    private static int[] lift(int[] v, int fill) {
        int[] out = new int[3];
        Arrays.fill(out, fill);
        System.arraycopy(v, 0, out, 3 - v.length, v.length);
        return out;
    }

    @Override
    public String toString() {
        return (transpose ? "conv_transpose" : "conv") + " N=" + batch + " C_in=" + inChannels + " C_out=" + outChannels
                + " groups=" + groups + " in=" + Arrays.toString(inSpatial) + " K=" + Arrays.toString(kernel)
                + " s=" + Arrays.toString(strides) + " d=" + Arrays.toString(dilations) + " pad=" + Arrays.toString(before)
                + "/" + Arrays.toString(after) + " out=" + Arrays.toString(outSpatial);
    }
}
