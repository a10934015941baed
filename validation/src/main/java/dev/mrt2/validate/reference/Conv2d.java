package dev.mrt2.validate.reference;

/**
 * A "valid" 2-D cross-correlation with stride 1, dilation 1, one group, plus bias:
 * {@code y[o, t, f] = b[o] + sum_{i, a, c} w[o, i, a, c] x[i, t + a, f + c]}, output {@code [c_out, T - kt + 1, F - kf + 1]}.
 * Padding and the transposed convs' phase split happen before the call ({@link Planes}), so one kernel serves every
 * codec conv.
 */
public interface Conv2d {
    Chw valid(Chw x, ConvWeights w);

    /** Checks the channel count and returns the output size; shared by the implementations. */
    static int[] outputSize(Chw x, ConvWeights w) {
        if (x.channels() != w.cin()) {
            throw new IllegalArgumentException("conv input has " + x.channels() + " channels, the kernel expects "
                    + w.cin());
        }
        int t = x.time() - w.kt() + 1;
        int f = x.freq() - w.kf() + 1;
        if (t < 1 || f < 1) {
            throw new IllegalArgumentException("conv input " + x + " is smaller than the kernel " + w.kt() + "x"
                    + w.kf());
        }
        return new int[] {t, f};
    }
}
