package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;

/**
 * Normalizations (coreml-mlpackage.md §6.9); mean and variance accumulate in float64, variance is the population one.
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class NormOps {
    private NormOps() {}

    static void define(OpTable t) {
        t.op("layer_norm", Kernel.single(NormOps::layerNorm), "x", "axes", "gamma", "beta", "epsilon");
        t.op("batch_norm", Kernel.single(NormOps::batchNorm), "x", "mean", "variance", "gamma", "beta", "epsilon");
        t.op("instance_norm", Kernel.single(NormOps::instanceNorm), "x", "gamma", "beta", "epsilon");
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
        NdArray moved = ShapeOps.transpose(x, perm);
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
        return ShapeOps.transpose(NdArray.f32(moved.shape(), out), inverse);
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

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** layer_norm keeps x's (float) type. */
    public static TensorType layerNormType(Var x) {
        TypeRules.requireFloat(x);
        return x.tensorType();
    }

    /**
     * batch_norm over channel axis 1 of {@code [N, C, *D]}: mean and variance required, gamma and beta optional, each
     * {@code [C]} of x's dtype (in that order in {@code perChannel}).
     */
    public static TensorType batchNormType(Var x, Var... perChannel) {
        TypeRules.requireFloat(x);
        TensorType t = x.tensorType();
        if (t.rank() < 2) throw fail("x must be [N, C, *D], got " + t);
        String[] params = {"mean", "variance", "gamma", "beta"};
        for (int i = 0; i < params.length; i++) {
            if (perChannel[i] == null) {
                if (i < 2) throw fail(params[i] + " is required");
                continue;
            }
            TypeRules.requireChannelVector("bias", x, perChannel[i], t.dim(1));
        }
        return t;
    }

    /** instance_norm over the spatial axes of {@code [N, C, *D]}; gamma and beta {@code [C]} or null. */
    public static TensorType instanceNormType(Var x, Var gamma, Var beta) {
        TypeRules.requireFloat(x);
        TensorType t = x.tensorType();
        if (t.rank() < 3) throw fail("x must be [N, C, *D], got " + t);
        if (gamma != null) TypeRules.requireChannelVector("bias", x, gamma, t.dim(1));
        if (beta != null) TypeRules.requireChannelVector("bias", x, beta, t.dim(1));
        return t;
    }
}
