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
