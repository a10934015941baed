package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;
import java.util.Map;

/** Normalizations (coreml-mlpackage.md §6.9); mean and variance accumulate in float64, variance is the population one. */
final class NormKernels {
    private NormKernels() {}

    static void register(Map<String, Kernel> table) {
        table.put("layer_norm", Kernel.single(NormKernels::layerNorm));
        table.put("batch_norm", Kernel.single(NormKernels::batchNorm));
        table.put("instance_norm", Kernel.single(NormKernels::instanceNorm));
    }

    /**
     * {@code (x − mean) / √(var + ε) · gamma + beta} over {@code axes} (default all). The normalized axes are moved to
     * the end in the listed order, so gamma and beta ({@code x.shape[axes]}) line up with each row.
     */
    private static NdArray layerNorm(OpArgs a) {
        NdArray x = floats(a, a.tensor("x"));
        int rank = x.rank();
        int[] axes;
        if (a.has("axes")) {
            axes = a.intList("axes");
            for (int i = 0; i < axes.length; i++) axes[i] = a.axis(axes[i], rank);
        } else {
            axes = new int[rank];
            for (int i = 0; i < rank; i++) axes[i] = i;
        }
        boolean[] normalized = new boolean[rank];
        for (int ax : axes) {
            if (normalized[ax]) throw a.fail("axes repeat axis " + ax);
            normalized[ax] = true;
        }
        int[] perm = new int[rank];
        int p = 0;
        for (int i = 0; i < rank; i++) if (!normalized[i]) perm[p++] = i;
        for (int ax : axes) perm[p++] = ax;
        NdArray moved = ShapeKernels.transpose(x, perm);
        int len = 1;
        for (int ax : axes) len *= x.dim(ax);
        float[] gamma = optionalRow(a, "gamma", len);
        float[] beta = optionalRow(a, "beta", len);
        double eps = a.floatValue("epsilon", 1e-5f);
        float[] v = moved.floats();
        float[] out = new float[v.length];
        int rows = len == 0 ? 0 : v.length / len;
        for (int r = 0; r < rows; r++) {
            normalizeRow(v, out, r * len, len, 1, eps, gamma, beta, 0);
        }
        int[] inverse = new int[rank];
        for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
        return ShapeKernels.transpose(NdArray.f32(moved.shape(), out), inverse);
    }

    /** Normalizes {@code n} elements at {@code from}, {@code from + stride}, …; gamma/beta indexed from {@code paramIndex}. */
    private static void normalizeRow(float[] in, float[] out, int from, int n, int stride, double eps,
                                     float[] gamma, float[] beta, int paramIndex) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += in[from + i * stride];
        double mean = sum / n;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double d = in[from + i * stride] - mean;
            sq += d * d;
        }
        double inv = 1 / Math.sqrt(sq / n + eps);
        for (int i = 0; i < n; i++) {
            int pi = stride == 1 ? paramIndex + i : paramIndex;
            double y = (in[from + i * stride] - mean) * inv;
            if (gamma != null) y *= gamma[pi];
            if (beta != null) y += beta[pi];
            out[from + i * stride] = (float) y;
        }
    }

    private static NdArray batchNorm(OpArgs a) {
        NdArray x = floats(a, a.tensor("x"));
        int channels = channels(a, x);
        float[] mean = floats(a, a.tensor("mean")).floats();
        float[] variance = floats(a, a.tensor("variance")).floats();
        if (mean.length != channels || variance.length != channels) throw a.fail("mean/variance must have " + channels + " values");
        float[] gamma = optionalRow(a, "gamma", channels);
        float[] beta = optionalRow(a, "beta", channels);
        double eps = a.floatValue("epsilon", 1e-5f);
        int plane = Shapes.product(x.shape(), 2, x.rank());
        float[] v = x.floats();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            int c = (i / plane) % channels;
            double y = (v[i] - mean[c]) / Math.sqrt(variance[c] + eps);
            if (gamma != null) y *= gamma[c];
            if (beta != null) y += beta[c];
            out[i] = (float) y;
        }
        return NdArray.f32(x.shape(), out);
    }

    /** Each {@code [n, c]} plane normalized over its spatial positions, then scaled per channel. */
    private static NdArray instanceNorm(OpArgs a) {
        NdArray x = floats(a, a.tensor("x"));
        int channels = channels(a, x);
        float[] gamma = optionalRow(a, "gamma", channels);
        float[] beta = optionalRow(a, "beta", channels);
        double eps = a.floatValue("epsilon", 1e-5f);
        int plane = Shapes.product(x.shape(), 2, x.rank());
        float[] v = x.floats();
        float[] out = new float[v.length];
        for (int p = 0; p < v.length / Math.max(plane, 1); p++) {
            int c = p % channels;
            float[] g = gamma == null ? null : new float[] {gamma[c]};
            float[] b = beta == null ? null : new float[] {beta[c]};
            normalizeRow(v, out, p * plane, plane, 1, eps, expand(g, plane), expand(b, plane), 0);
        }
        return NdArray.f32(x.shape(), out);
    }

    private static float[] expand(float[] single, int n) {
        if (single == null) return null;
        float[] out = new float[n];
        java.util.Arrays.fill(out, single[0]);
        return out;
    }

    private static int channels(OpArgs a, NdArray x) {
        if (x.rank() < 2) throw a.fail("x must be [N, C, *D], got " + x);
        return x.dim(1);
    }

    private static float[] optionalRow(OpArgs a, String param, int n) {
        NdArray t = a.optTensor(param);
        if (t == null) return null;
        if (!t.isFloat() || t.size() != n) throw a.fail("'" + param + "' " + t + " must hold " + n + " values");
        return t.floats();
    }

    private static NdArray floats(OpArgs a, NdArray t) {
        if (!t.isFloat()) throw a.fail("expected fp16 or fp32, got " + t);
        return t;
    }
}
