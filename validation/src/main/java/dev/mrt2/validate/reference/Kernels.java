package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Constants;

/**
 * The reference's vector math (mrt2-model.md §3), plain scalar loops in float32. Every reduction (dot products,
 * matrix-vector sums, norm means, softmax sums) accumulates either in float32, as the MLX reference does, or in float64
 * when {@link #FLOAT64} is chosen; element-wise results are always rounded to float32.
 */
public final class Kernels {
    public static final Kernels FLOAT32 = new Kernels(false);
    public static final Kernels FLOAT64 = new Kernels(true);

    /** §3.3's 1.442695041 (= 1/ln 2) in float64; {@code Mrt2Constants.QUERY_SCALE_CONSTANT} is its float32 rounding. */
    static final double QUERY_SCALE_CONSTANT = 1.442695041;

    private final boolean wide;

    private Kernels(boolean wide) {
        this.wide = wide;
    }

    public static Kernels of(boolean float64Accumulation) {
        return float64Accumulation ? FLOAT64 : FLOAT32;
    }

    public boolean float64() {
        return wide;
    }

    /** {@code y[out] = x[in] . K[in, out] + b} for a JAX dense kernel {@code [in, out]}; {@code bias} may be null. */
    public float[] vecMat(float[] x, Matrix kernel, float[] bias) {
        return vecMatColumns(x, kernel, bias, 0, kernel.cols());
    }

    /**
     * Columns {@code [from, from + count)} of {@link #vecMat}, each summed exactly as there (a column's sum reads no
     * other column): what a sampler needs of the 12294-wide logits is one level's 1024.
     */
    public float[] vecMatColumns(float[] x, Matrix kernel, float[] bias, int from, int count) {
        return vecMatColumnsRows(new float[][] {x}, kernel, bias, from, count)[0];
    }

    /**
     * {@link #vecMat} of every row {@code xs[b]}, each exactly as its own call would give, with every kernel row read
     * once for all of them: what a layer costs when several frames or sessions pass through it together.
     */
    public float[][] vecMatRows(float[][] xs, Matrix kernel, float[] bias) {
        return vecMatColumnsRows(xs, kernel, bias, 0, kernel.cols());
    }

    /** {@link #vecMatColumns} of every row {@code xs[b]}, each exactly as its own call would give. */
    public float[][] vecMatColumnsRows(float[][] xs, Matrix kernel, float[] bias, int from, int count) {
        int in = kernel.rows();
        int out = kernel.cols();
        for (float[] x : xs) {
            requireLength("x", x, in);
        }
        if (from < 0 || count < 0 || from + count > out) {
            throw new IllegalArgumentException("columns " + from + " + " + count + " outside " + out);
        }
        float[][] ys = new float[xs.length][count];
        if (wide) {
            for (int b = 0; b < xs.length; b++) {
                wideColumns(xs[b], kernel, bias, from, ys[b]);
            }
            return ys;
        }
        RowSums.accumulateRows(xs, kernel.data(), kernel.offset(), in, out, from, ys);
        if (bias != null) {
            for (float[] y : ys) {
                for (int j = 0; j < count; j++) {
                    y[j] += bias[from + j];
                }
            }
        }
        return ys;
    }

    /** Columns {@code [from, from + y.length)} of {@code x · K + b}, each sum in float64, rounded once into y. */
    private static void wideColumns(float[] x, Matrix kernel, float[] bias, int from, float[] y) {
        int count = y.length;
        int out = kernel.cols();
        float[] k = kernel.data();
        double[] acc = new double[count];
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            int row = kernel.offset() + i * out + from;
            for (int j = 0; j < count; j++) {
                acc[j] += xi * k[row + j];
            }
        }
        for (int j = 0; j < count; j++) {
            y[j] = (float) (acc[j] + (bias == null ? 0 : bias[from + j]));
        }
    }

    /** {@code y[rows] = M[rows, cols] . x[cols]}, one dot product per row. */
    public float[] matVec(float[] matrix, int rows, int cols, float[] x) {
        requireLength("x", x, cols);
        requireLength("matrix", matrix, (long) rows * cols);
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = dot(matrix, r * cols, x, 0, cols);
        }
        return y;
    }

    public float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        if (wide) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += (double) a[aOffset + i] * b[bOffset + i];
            }
            return (float) s;
        }
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[aOffset + i] * b[bOffset + i];
        }
        return s;
    }

    /** §3: {@code RMS(x; s) = x (mean(x^2) + 1e-6)^(-1/2) * s}, multiplicative scale. */
    public float[] rmsNorm(float[] x, float[] scale) {
        requireLength("scale", scale, x.length);
        float meanSquare = sum(x, x, 0) / x.length;
        float inv = (float) (1 / Math.sqrt(meanSquare + Mrt2Constants.NORM_EPSILON));
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inv * scale[i];
        }
        return y;
    }

    /** {@link #rmsNorm} of every row. */
    public float[][] rmsNorms(float[][] xs, float[] scale) {
        float[][] ys = new float[xs.length][];
        for (int b = 0; b < xs.length; b++) {
            ys[b] = rmsNorm(xs[b], scale);
        }
        return ys;
    }

    /** §3: {@code LN(x; s, b) = (x - mu) (var + 1e-6)^(-1/2) * s + b}, biased variance. */
    public float[] layerNorm(float[] x, float[] scale, float[] bias) {
        requireLength("scale", scale, x.length);
        requireLength("bias", bias, x.length);
        float mean = sum(x, null, 0) / x.length;
        float[] centred = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            centred[i] = x[i] - mean;
        }
        float variance = sum(centred, centred, 0) / x.length;
        float inv = (float) (1 / Math.sqrt(variance + Mrt2Constants.NORM_EPSILON));
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = centred[i] * inv * scale[i] + bias[i];
        }
        return y;
    }

    /** Softmax in place over {@code v[0 .. n)}, max-subtracted, float32 exponentials. */
    public void softmax(float[] v, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[i]);
        }
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.exp(v[i] - max);
        }
        float total = sum(v, null, n);
        for (int i = 0; i < n; i++) {
            v[i] /= total;
        }
    }

    /** Sum of a[i] * b[i] (or of a[i] when b is null) over the first n elements (all when n = 0). */
    private float sum(float[] a, float[] b, int n) {
        int len = n == 0 ? a.length : n;
        if (wide) {
            double s = 0;
            for (int i = 0; i < len; i++) {
                s += b == null ? a[i] : (double) a[i] * b[i];
            }
            return (float) s;
        }
        float s = 0;
        for (int i = 0; i < len; i++) {
            s += b == null ? a[i] : a[i] * b[i];
        }
        return s;
    }

    /** §3.2: {@code GELU_tanh(z) = 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))}. */
    public static float geluTanh(float z) {
        float inner = (float) Math.sqrt(2 / Math.PI) * (z + 0.044715f * z * z * z);
        return 0.5f * z * (1 + (float) Math.tanh(inner));
    }

    /** {@code softplus(p) = ln(1 + e^p)}, evaluated stably (log1p) and rounded once to float32. */
    public static float softplus(float p) {
        return (float) softplus((double) p);
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * §3.3 query scale: {@code s_d = 1.442695041 / sqrt(h) * softplus(p_d)}, evaluated in float64 and rounded once,
     * so that p = 0 gives float32(1/sqrt(h)) exactly.
     */
    public static float[] queryScale(float[] perDimScale) {
        float[] s = new float[perDimScale.length];
        double base = QUERY_SCALE_CONSTANT / Math.sqrt(perDimScale.length);
        for (int d = 0; d < s.length; d++) {
            s[d] = (float) (base * softplus((double) perDimScale[d]));
        }
        return s;
    }

    /** §3.6: {@code 30 tanh(z / 30)}. */
    public static float softCap(float z) {
        float cap = Mrt2Constants.LOGIT_SOFT_CAP;
        return cap * (float) Math.tanh(z / cap);
    }

    /** §4.2 / §14.5: {@code ELU(z) = z} for z > 0, {@code alpha * expm1(z)} otherwise, alpha = 1. */
    public static float elu(float z) {
        return z > 0 ? z : Mrt2Constants.CODEC_ELU_ALPHA * (float) expm1(z);
    }

    /** Below this magnitude {@link #expm1} sums its Taylor series: {@code exp(x) - 1} would cancel. */
    private static final double EXPM1_SERIES_BELOW = 0x1p-10;

    /**
     * eˣ − 1 in double for x ≤ 0: {@code Math.exp(x) - 1} (the JIT's exp, accurate to about 1e-13 relative once
     * |x| ≥ 2^-10), and the series to x⁶ below that (truncation under 1e-19 relative). Rounded to float it equals
     * {@code (float) Math.expm1(x)} on every negative float but 9 of 1.06e9 (by one ulp; {@code KernelsTest} sweeps a
     * million of them), at half the cost: Math.expm1 is a native call on Java 17, and the decoder's ELUs were a fifth of a
     * reference decode.
     */
    static double expm1(double x) {
        if (x > -EXPM1_SERIES_BELOW) {
            return x * (1 + x * (1.0 / 2 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120 + x / 720)))));
        }
        return Math.exp(x) - 1.0;
    }

    private static void requireLength(String what, float[] a, long n) {
        if (a.length != n) {
            throw new IllegalArgumentException(what + " has " + a.length + " values, expected " + n);
        }
    }
}
