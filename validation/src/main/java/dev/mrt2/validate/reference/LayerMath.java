package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Constants;

/** The three pieces every sandwich layer is made of (mrt2-model.md §3.2–3.4), shared by the temporal and depth bodies. */
final class LayerMath {
    private LayerMath() {}

    /** §3.2 FFN block: {@code x + RMS(GELU_tanh(RMS(x; pre) W1 + b1) W2 + b2; post)}. */
    static float[] ffnBlock(Kernels k, FfnWeights w, float[] x) {
        return ffnBlocks(k, w, new float[][] {x})[0];
    }

    /** {@link #ffnBlock} of several rows, each as its own call gives it, every weight read once for all. */
    static float[][] ffnBlocks(Kernels k, FfnWeights w, float[][] xs) {
        int d = w.modelDim();
        int f = w.hidden();
        float[][] hidden = k.vecMatRows(k.rmsNorms(xs, w.preNorm()), w.w1(), w.b1());
        for (float[] h : hidden) {
            for (int i = 0; i < f; i++) {
                h[i] = Kernels.geluTanh(h[i]);
            }
        }
        float[][] out = k.vecMatRows(hidden, w.w2(), w.b2());
        float[][] ys = new float[xs.length][];
        for (int b = 0; b < xs.length; b++) {
            ys[b] = residual(xs[b], k.rmsNorm(out[b], w.postNorm()));
        }
        return ys;
    }

    /** The query projection of the pre-normed stream, unscaled ({@code [H*h]}). */
    static float[] query(Kernels k, AttentionWeights w, float[] normed) {
        return k.vecMat(normed, w.query(), null);
    }

    /** {@link #query} of several rows, each as its own call gives it. */
    static float[][] queries(Kernels k, AttentionWeights w, float[][] normed) {
        return k.vecMatRows(normed, w.query(), null);
    }

    /**
     * One query's attention context {@code [H*h]} over {@code [sinks, slots]} (§3.3, §3.4): sink logits use the
     * unscaled query, slot logits the query times the per-dim scale; invalid slots get -1e9; softmax in float32.
     *
     * @param q      unscaled query {@code [H*h]}
     * @param keys   {@code [slots, H*h]}
     * @param values {@code [slots, H*h]}
     * @param valid  validity of each slot
     */
    static float[] attend(Kernels k, AttentionWeights w, float[] q, float[] keys, float[] values, boolean[] valid,
                          int slots) {
        int heads = w.heads();
        int h = w.headDim();
        int width = w.width();
        int sinks = w.sinks();
        float[] scaled = new float[width];
        for (int i = 0; i < width; i++) {
            scaled[i] = q[i] * w.queryScale()[i % h];
        }
        float[] ctx = new float[width];
        float[] p = new float[sinks + slots];
        for (int n = 0; n < heads; n++) {
            int head = n * h;
            for (int s = 0; s < sinks; s++) {
                p[s] = k.dot(q, head, w.sinkKey(), s * width + head, h);
            }
            for (int j = 0; j < slots; j++) {
                p[sinks + j] = valid[j] ? k.dot(scaled, head, keys, j * width + head, h) : Mrt2Constants.FP32_MASK;
            }
            k.softmax(p, sinks + slots);
            if (k.float64()) {
                weightedSum64(w, values, p, sinks, slots, head, h, ctx);
            } else {
                weightedSum32(w, values, p, sinks, slots, head, h, ctx);
            }
        }
        return ctx;
    }

    /**
     * {@code ctx[col] = sum_s p[s] SV[s, col] + sum_j p[sinks + j] V[j, col]} for the head's columns
     * {@code [head, head + h)}, accumulated in float32. Each column's terms are added in exactly that order (sinks, then
     * slots ascending); the slot loop runs outside so the column loop reads contiguous rows and vectorizes.
     */
    private static void weightedSum32(AttentionWeights w, float[] values, float[] p, int sinks, int slots, int head,
                                      int h, float[] ctx) {
        int width = w.width();
        float[] acc = new float[h];
        for (int s = 0; s < sinks; s++) {
            addScaled(acc, p[s], w.sinkValue(), s * width + head);
        }
        for (int j = 0; j < slots; j++) {
            addScaled(acc, p[sinks + j], values, j * width + head);
        }
        System.arraycopy(acc, 0, ctx, head, h);
    }

    private static void addScaled(float[] acc, float weight, float[] row, int from) {
        for (int d = 0; d < acc.length; d++) {
            acc[d] += weight * row[from + d];
        }
    }

    /** {@link #weightedSum32} accumulated in float64, each column rounded once to float32. */
    private static void weightedSum64(AttentionWeights w, float[] values, float[] p, int sinks, int slots, int head,
                                      int h, float[] ctx) {
        int width = w.width();
        double[] acc = new double[h];
        for (int s = 0; s < sinks; s++) {
            addScaled(acc, p[s], w.sinkValue(), s * width + head);
        }
        for (int j = 0; j < slots; j++) {
            addScaled(acc, p[sinks + j], values, j * width + head);
        }
        for (int d = 0; d < h; d++) {
            ctx[head + d] = (float) acc[d];
        }
    }

    private static void addScaled(double[] acc, float weight, float[] row, int from) {
        for (int d = 0; d < acc.length; d++) {
            acc[d] += (double) weight * row[from + d];
        }
    }

    /**
     * §3.2 residual after attention: {@code x + RMS(ctx Wo^T; post)} with Wo {@code [D, H*h]}, held transposed, so each
     * output sums {@code ctx[c] · Wo[r][c]} in ascending c exactly as a dot product of row r would.
     */
    static float[] attentionOutput(Kernels k, AttentionWeights w, float[] x, float[] ctx) {
        return attentionOutputs(k, w, new float[][] {x}, new float[][] {ctx})[0];
    }

    /** {@link #attentionOutput} of several rows, each as its own call gives it. */
    static float[][] attentionOutputs(Kernels k, AttentionWeights w, float[][] xs, float[][] ctx) {
        float[][] projected = k.vecMatRows(ctx, w.output(), null);
        float[][] ys = new float[xs.length][];
        for (int b = 0; b < xs.length; b++) {
            ys[b] = residual(xs[b], k.rmsNorm(projected[b], w.postNorm()));
        }
        return ys;
    }

    static float[] residual(float[] x, float[] delta) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] + delta[i];
        }
        return y;
    }
}
