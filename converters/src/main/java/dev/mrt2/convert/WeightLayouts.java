package dev.mrt2.convert;

import dev.mrt2.model.Mrt2Constants;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Moves checkpoint tensors (JAX/Flax layouts, mrt2-model.md §2.3) into the layouts MIL ops expect, and computes the
 * constants that depend on weights only. Pure functions on C-order float arrays; each returns a new array.
 */
public final class WeightLayouts {
    /** Tile edge of the blocked transposes (64 x 64 floats = 16 KiB, fits L1). */
    private static final int TILE = 64;
    /** Below this many elements a layout change runs on the calling thread only. */
    private static final long PARALLEL_ELEMENTS = 1 << 16;

    private WeightLayouts() {}

    /**
     * A Dense kernel {@code [in, out]} (or an attention Q/K/V kernel {@code [in, H, h]}, whose trailing axes flatten
     * head-major to {@code out = H * h}) as a MIL {@code linear} weight {@code [out, in]}.
     */
    public static float[] linearWeight(float[] kernel, int in, int out) {
        return transpose(kernel, in, out);
    }

    /**
     * {@code [rows, cols] -> [cols, rows]}, in tiles so both sides stream through the cache. Column blocks run in
     * parallel; each writes its own destination rows, so the result does not depend on scheduling.
     */
    public static float[] transpose(float[] src, int rows, int cols) {
        checkLength(src, (long) rows * cols);
        float[] dst = new float[src.length];
        forEach((cols + TILE - 1) / TILE, src.length, block -> {
            int c0 = block * TILE;
            int c1 = Math.min(cols, c0 + TILE);
            for (int r0 = 0; r0 < rows; r0 += TILE) {
                int r1 = Math.min(rows, r0 + TILE);
                for (int c = c0; c < c1; c++) {
                    int to = c * rows;
                    for (int r = r0; r < r1; r++) {
                        dst[to + r] = src[r * cols + c];
                    }
                }
            }
        });
        return dst;
    }

    /**
     * A Conv2D kernel {@code [kt, kf, cin, cout]} (HWIO, cross-correlation) as a MIL {@code conv} weight
     * {@code [cout, cin, kt, kf]}: {@code W[co, ci, i, j] = K[i, j, ci, co]}, no flip (§2.3).
     */
    public static float[] convWeight(float[] kernel, int kt, int kf, int cin, int cout) {
        checkLength(kernel, (long) kt * kf * cin * cout);
        float[] dst = new float[kernel.length];
        int taps = kt * kf;
        // One task per block of output channels; per tap, a [cin, cout] slice lands transposed with a stride of taps.
        forEach((cout + TILE - 1) / TILE, kernel.length, block -> {
            int co0 = block * TILE;
            int co1 = Math.min(cout, co0 + TILE);
            for (int tap = 0; tap < taps; tap++) {
                int srcTap = tap * cin * cout;
                for (int ci0 = 0; ci0 < cin; ci0 += TILE) {
                    int ci1 = Math.min(cin, ci0 + TILE);
                    for (int co = co0; co < co1; co++) {
                        for (int ci = ci0; ci < ci1; ci++) {
                            dst[(co * cin + ci) * taps + tap] = kernel[srcTap + ci * cout + co];
                        }
                    }
                }
            }
        });
        return dst;
    }

    /**
     * A Conv2DTranspose kernel {@code [kt, kf, cin, cout]} as a MIL {@code conv_transpose} weight
     * {@code [cin, cout, kt, kf]}, flipped in both spatial axes: {@code W[ci, co, i, j] = K[kt-1-i, kf-1-j, ci, co]}.
     * JAX runs the kernel as a plain cross-correlation over the stride-dilated input; MIL scatters it, which is the
     * same computation with the kernel reversed (§2.3, §14 item 4).
     */
    public static float[] convTransposeWeight(float[] kernel, int kt, int kf, int cin, int cout) {
        checkLength(kernel, (long) kt * kf * cin * cout);
        float[] dst = new float[kernel.length];
        int taps = kt * kf;
        forEach(cin, kernel.length, ci -> {
            for (int i = 0; i < kt; i++) {
                for (int j = 0; j < kf; j++) {
                    int from = (((kt - 1 - i) * kf + (kf - 1 - j)) * cin + ci) * cout;
                    int to = ci * cout * taps + i * kf + j;
                    for (int co = 0; co < cout; co++) {
                        dst[to + co * taps] = kernel[from + co];
                    }
                }
            }
        });
        return dst;
    }

    /**
     * The per-dim query scale of §3.3: {@code s_d = 1.442695041 / sqrt(h) * softplus(p_d)}, computed in double and
     * rounded once to float.
     */
    public static float[] queryScale(float[] perDimScale) {
        int h = perDimScale.length;
        double base = Mrt2Constants.QUERY_SCALE_CONSTANT / Math.sqrt(h);
        float[] s = new float[h];
        for (int d = 0; d < h; d++) {
            s[d] = (float) (base * softplus(perDimScale[d]));
        }
        return s;
    }

    /**
     * Sink keys divided by the query scale, {@code SK[n, head, d] / s_d}: prepended as keys, they make the common
     * scaled-query product yield the sink logit of the UNSCALED query (§3.4).
     */
    public static float[] sinkKeysOverScale(float[] sinkKeys, float[] scale) {
        int h = scale.length;
        if (sinkKeys.length % h != 0) {
            throw new IllegalArgumentException("sink keys of " + sinkKeys.length + " values are not rows of " + h);
        }
        float[] out = new float[sinkKeys.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sinkKeys[i] / scale[i % h];
        }
        return out;
    }

    /** {@code ln(1 + e^p)} without overflow for large p. */
    static double softplus(double p) {
        return p > 30 ? p : Math.log1p(Math.exp(p));
    }

    /** Runs {@code task(0 .. tasks - 1)}, in parallel when the tensor is big enough to pay for it. */
    private static void forEach(int tasks, long elements, IntConsumer task) {
        IntStream range = IntStream.range(0, tasks);
        (elements >= PARALLEL_ELEMENTS ? range.parallel() : range).forEach(task);
    }

    private static void checkLength(float[] src, long expected) {
        if (src.length != expected) {
            throw new IllegalArgumentException("tensor of " + src.length + " values, layout needs " + expected);
        }
    }
}
