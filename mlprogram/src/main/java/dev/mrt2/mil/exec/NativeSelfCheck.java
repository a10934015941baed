package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Runs a few small convolutions on a native accelerator and on the JVM kernels before the accelerator is used, and
 * refuses it when they disagree. Why: a native library can be wrong on a CPU it was not tested on. PyTorch 2.7.1's
 * CPU convolutions on an AMD Zen 5 (family 26) give a relative error of 0.1 to 0.15 when the input channels are not a
 * multiple of 16 (measured here), silently; a reference that runs on the same library agrees with it, so only a
 * comparison with independent kernels shows it.
 *
 * <p>The cases cover the ways the DJL kernels dispatch (oneDNN for large inputs, groups, batches and kernels over 3x3;
 * PyTorch's own path for small inputs), input channels that are and are not multiples of 16, 1-D and 2-D, and
 * transposed convolutions with strides. They take a few milliseconds.
 */
final class NativeSelfCheck {
    /** Largest |native - JVM| over largest |JVM| accepted; float32 sums in other orders differ by about 1e-6. */
    static final double TOLERANCE = 1e-4;

    /** One case: {@code x [N, C_in, *D]} and a kernel, with the padding of a causal conv or a transposed conv's crop. */
    private record Case(boolean transpose, int batch, int cin, int cout, int groups, int[] in, int[] kernel,
                        int[] strides) {
        ConvGeometry geometry() {
            int s = in.length;
            int[] ones = new int[s];
            int[] before = new int[s];
            int[] after = new int[s];
            int[] out = new int[s];
            for (int i = 0; i < s; i++) {
                ones[i] = 1;
                if (transpose) {
                    after[i] = kernel[i] - strides[i];
                    out[i] = (in[i] - 1) * strides[i] + kernel[i] - after[i];
                } else {
                    before[i] = kernel[i] - 1;
                    out[i] = (in[i] + before[i] - kernel[i]) / strides[i] + 1;
                }
            }
            return new ConvGeometry(transpose, batch, cin, cout, groups, in, kernel, strides, ones, before, after, out);
        }

        int[] weightShape() {
            int[] w = new int[2 + kernel.length];
            w[0] = transpose ? cin : cout;
            w[1] = transpose ? cout / groups : cin / groups;
            System.arraycopy(kernel, 0, w, 2, kernel.length);
            return w;
        }

        String describe() {
            StringBuilder b = new StringBuilder(transpose ? "conv_transpose " : "conv ").append(cin).append(" -> ")
                    .append(cout).append(" channels, kernel ");
            for (int i = 0; i < kernel.length; i++) {
                b.append(i == 0 ? "" : "x").append(kernel[i]);
            }
            b.append(" on ");
            for (int i = 0; i < in.length; i++) {
                b.append(i == 0 ? "" : "x").append(in[i]);
            }
            return b.append(batch > 1 ? ", batch " + batch : "").append(groups > 1 ? ", groups " + groups : "")
                    .toString();
        }
    }

    private static final Case[] CASES = {
            new Case(false, 1, 72, 67, 1, new int[] {13, 45}, new int[] {3, 3}, new int[] {1, 1}),
            new Case(false, 1, 64, 64, 1, new int[] {13, 45}, new int[] {3, 3}, new int[] {1, 1}),
            new Case(false, 1, 5, 3, 1, new int[] {10, 10}, new int[] {3, 3}, new int[] {1, 1}),
            new Case(false, 1, 8, 2, 1, new int[] {20, 30}, new int[] {7, 7}, new int[] {1, 1}),
            new Case(false, 1, 8, 8, 2, new int[] {10, 12}, new int[] {3, 3}, new int[] {1, 1}),
            new Case(false, 2, 24, 16, 1, new int[] {10, 12}, new int[] {3, 3}, new int[] {1, 1}),
            new Case(false, 1, 70, 66, 1, new int[] {300}, new int[] {3}, new int[] {1}),
            new Case(true, 1, 72, 40, 1, new int[] {10, 12}, new int[] {4, 4}, new int[] {2, 2}),
            new Case(true, 1, 24, 16, 1, new int[] {8, 8}, new int[] {3, 4}, new int[] {1, 2}),
    };

    private NativeSelfCheck() {}

    /** Null when {@code kernels} agree with the JVM's on every case, else the first case that does not and by how much. */
    static String disagreement(ConvBackend kernels) {
        DirectConv jvm = new DirectConv();
        SplittableRandom rng = new SplittableRandom(16);
        for (Case c : CASES) {
            ConvGeometry g = c.geometry();
            int[] xShape = new int[2 + c.in.length];
            xShape[0] = c.batch;
            xShape[1] = c.cin;
            System.arraycopy(c.in, 0, xShape, 2, c.in.length);
            NdArray x = random(xShape, rng, 1);
            NdArray w = random(c.weightShape(), rng, 0.2);
            float[] want = c.transpose ? jvm.convTranspose(x, w, false, g) : jvm.conv(x, w, false, g);
            float[] got = c.transpose ? kernels.convTranspose(x, w, false, g) : kernels.conv(x, w, false, g);
            double error = relativeError(want, got);
            if (!(error <= TOLERANCE)) {
                return String.format(Locale.ROOT, "its convolutions disagree with the JVM kernels on this CPU (%s: "
                        + "relative error %.3g)", c.describe(), error);
            }
        }
        return null;
    }

    private static double relativeError(float[] want, float[] got) {
        if (want.length != got.length) {
            return Double.POSITIVE_INFINITY;
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs((double) got[i] - want[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        return diff / Math.max(scale, Float.MIN_NORMAL);   // NaN (a NaN result) fails the check
    }

    private static NdArray random(int[] shape, SplittableRandom rng, double scale) {
        float[] v = new float[(int) NdArray.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return NdArray.f32(shape, v);
    }
}
