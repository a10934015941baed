package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.function.DoubleUnaryOperator;

/**
 * Elementwise unary ops and activations (coreml-mlpackage.md §6.2, §6.4), plus {@code identity} and {@code cast}.
 * Transcendentals run in double and round once to float, so the fp32 result is the correctly rounded one within an ulp.
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class UnaryOps {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double SQRT_HALF = Math.sqrt(0.5);

    private UnaryOps() {}

    static void define(OpTable t) {
        floatOp(t, "exp", Math::exp);
        floatOp(t, "exp2", v -> Math.pow(2, v));
        floatOp(t, "sqrt", Math::sqrt);
        boundedOp(t, "tanh", Math::tanh);
        boundedOp(t, "sin", Math::sin);
        boundedOp(t, "cos", Math::cos);
        floatOp(t, "tan", Math::tan);
        floatOp(t, "atan", Math::atan);
        floatOp(t, "asin", Math::asin);
        floatOp(t, "acos", Math::acos);
        floatOp(t, "atanh", v -> 0.5 * Math.log((1 + v) / (1 - v)));
        floatOp(t, "sinh", Math::sinh);
        floatOp(t, "cosh", Math::cosh);
        floatOp(t, "floor", Math::floor);
        floatOp(t, "ceil", Math::ceil);
        floatOp(t, "round", Math::rint);           // NumPy rounds halves to even
        boundedOp(t, "erf", Erf::erf);
        boundedOp(t, "relu", v -> v > 0 ? v : 0.0);
        boundedOp(t, "relu6", v -> Math.min(Math.max(v, 0.0), 6.0));
        boundedOp(t, "sigmoid", UnaryOps::sigmoid);
        floatOp(t, "silu", v -> v * sigmoid(v));
        boundedOp(t, "softsign", v -> v / (1 + Math.abs(v)));
        // log(1 + e^x) without overflow for large x
        floatOp(t, "softplus", v -> Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))));
        t.bounded("abs", Kernel.single(a -> signed(a, Math::abs, Math::abs)), "x");
        t.bounded("sign", Kernel.single(a -> signed(a, Math::signum, Integer::signum)), "x");
        t.op("square", Kernel.single(a -> signed(a, v -> v * v, v -> v * v)), "x");
        t.op("rsqrt", Kernel.single(a -> withEpsilon(a, 1e-12f, (v, e) -> 1 / Math.sqrt(v + e))), "x", "epsilon");
        t.op("log", Kernel.single(a -> withEpsilon(a, 1e-45f, (v, e) -> Math.log(v + e))), "x", "epsilon");
        t.op("inverse", Kernel.single(a -> withEpsilon(a, 1e-4f, (v, e) -> 1 / (v + e))), "x", "epsilon");
        t.bounded("elu", Kernel.single(UnaryOps::elu), "x", "alpha");     // x, or alpha·expm1(x) in (-alpha, 0]
        t.op("leaky_relu", Kernel.single(UnaryOps::leakyRelu), "x", "alpha");
        t.op("prelu", Kernel.single(UnaryOps::prelu), "x", "alpha");
        t.bounded("clip", Kernel.single(UnaryOps::clip), "x", "alpha", "beta");
        t.op("gelu", Kernel.single(UnaryOps::gelu), "x", "mode");
        t.mover("identity", Kernel.single(a -> a.tensor("x")), "x");
        t.op("cast", Kernel.single(UnaryOps::cast), "x", "dtype");
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static void floatOp(OpTable t, String op, DoubleUnaryOperator f) {
        t.op(op, Kernel.single(a -> map(a, floatInput(a), f)), "x");
    }

    /** A function with finite values for every finite argument ({@link OpTable#bounded}). */
    private static void boundedOp(OpTable t, String op, DoubleUnaryOperator f) {
        t.bounded(op, Kernel.single(a -> map(a, floatInput(a), f)), "x");
    }

    private static NdArray floatInput(OpArgs a) {
        NdArray x = a.tensor("x");
        if (!x.isFloat()) {
            throw a.fail("x must be fp16 or fp32, got " + x);
        }
        return x;
    }

    /**
     * Values per task of a mapped function: a transcendental costs tens of nanoseconds, so even a streaming step's
     * 4096 FFN activations (a gelu) are worth two tasks.
     */
    private static final int MAP_GRAIN = 2048;

    static NdArray map(OpArgs a, NdArray x, DoubleUnaryOperator f) {
        float[] in = x.floats();
        float[] out = new float[in.length];
        Parallel.range(out.length, MAP_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = (float) f.applyAsDouble(in[i]);
            }
        });
        return NdArray.f32(x.shape(), out);
    }

    private static NdArray signed(OpArgs a, DoubleUnaryOperator onFloat, java.util.function.IntUnaryOperator onInt) {
        NdArray x = a.tensor("x");
        if (x.isFloat()) {
            return map(a, x, onFloat);
        }
        int[] out = new int[x.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = onInt.applyAsInt(x.ints()[i]);
        }
        return NdArray.i32(x.shape(), out);
    }

    private interface WithEpsilon {
        double apply(double v, double epsilon);
    }

    private static NdArray withEpsilon(OpArgs a, float dflt, WithEpsilon f) {
        double eps = a.floatValue("epsilon", dflt);
        return map(a, floatInput(a), v -> f.apply(v, eps));
    }

    /** {@code x > 0 ? x : α·expm1(x)} (mrt2-model.md §14 item 5); the decoder runs it on every activation. */
    private static NdArray elu(OpArgs a) {
        double alpha = a.floatValue("alpha", 1f);
        NdArray x = floatInput(a);
        if (HalfTable.suits(a, x)) {
            return HalfTable.map(x, "elu " + alpha, v -> elu((float) v, alpha));
        }
        float[] in = x.floats();
        float[] out = new float[in.length];
        Parallel.range(out.length, (from, to) -> eluRange(in, out, from, to, alpha));
        return NdArray.f32(x.shape(), out);
    }

    /** Elements per pass of {@link #eluRange}: its double rows (2 × 4 KB) stay in L1 between the passes. */
    private static final int ELU_CHUNK = 512;

    /**
     * {@link #elu(float, double)} of {@code in[from, to)}, bit for bit, as loops C2 turns into vector code. The
     * arithmetic is {@link #expm1}'s on {@code min(v, 0)} clamped at -88 (no branch on the sign: activations' signs are
     * close to random), in double; the loops are split because Java 17's C2 vectorizes neither a loop that mixes float
     * and double lanes nor one whose body is past its unrolling limit: widen, reduce and sum the series, scale by 2^k,
     * narrow, then take the positive inputs. Measured on a 2-core AMD EPYC (Zen 5), 4 M Gaussian inputs, one thread:
     * 1.8-2.1 ns an element against 6.5-7.8 for the same arithmetic in one loop. For 0 <= alpha <= 1 the last pass is
     * {@code max(v, negative)}: for v <= 0 the negative branch alpha·(e^v - 1) >= e^v - 1 >= v (and rounding is
     * monotonic), for v > 0 it is alpha·(+0) = +0 < v, so the maximum is the ELU; other alphas select by sign.
     */
    static void eluRange(float[] in, float[] out, int from, int to, double alpha) {
        double[] d = new double[ELU_CHUNK];
        double[] k = new double[ELU_CHUNK];
        boolean byMax = alpha >= 0 && alpha <= 1;
        for (int c = from; c < to; c += ELU_CHUNK) {
            int n = Math.min(ELU_CHUNK, to - c);
            for (int j = 0; j < n; j++) {
                d[j] = in[c + j];
            }
            expm1Series(d, k, n);
            for (int j = 0; j < n; j++) {
                // 2^k from the integer k in the low bits of k + 2^52 + 1023, shifted into the exponent field
                double scale = Double.longBitsToDouble(Double.doubleToRawLongBits(k[j] + (1023 + 0x1p52)) << 52);
                d[j] = alpha * (scale * d[j] + (scale - 1));
            }
            for (int j = 0; j < n; j++) {
                out[c + j] = (float) d[j];
            }
            if (byMax) {
                for (int j = 0; j < n; j++) {
                    out[c + j] = Math.max(in[c + j], out[c + j]);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    float v = in[c + j];
                    out[c + j] = v > 0 ? v : out[c + j];
                }
            }
        }
    }

    /**
     * For each {@code v = d[j]}: {@code x = max(min(v, 0), -88)} (below -88 expm1 is -1 to double precision, as the
     * clamp gives; NaN passes through min and max), {@code k[j] = rint(x·log2 e)} and {@code d[j]} = the series of
     * expm1 at {@code r = x - k·ln2}, as {@link #expm1} sums it.
     */
    private static void expm1Series(double[] d, double[] k, int n) {
        for (int j = 0; j < n; j++) {
            double x = Math.max(Math.min(d[j], 0.0), -88.0);
            double kj = Math.rint(x * LOG2E);
            double r = x - kj * LN2;
            k[j] = kj;
            d[j] = r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
                    + r * (1.0 / 5040 + r * (1.0 / 40320))))))));
        }
    }

    static float elu(float v, double alpha) {
        return v > 0 ? v : (float) (alpha * expm1(v));
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;

    /**
     * eˣ − 1 for float-range inputs, accurate to well inside a float ulp ({@code MathFunctionsTest} sweeps it against
     * {@code Math.expm1}, which is several times slower and ran on every decoder activation). With
     * {@code x = k·ln2 + r}, |r| ≤ ln2/2: {@code eˣ − 1 = 2ᵏ·expm1(r) + (2ᵏ − 1)}, and expm1(r) is its Taylor series to
     * r⁸ (truncation below 1e-9 relative), so no cancellation near zero.
     */
    static double expm1(double x) {
        if (!(x > -88 && x < 88)) {
            return x <= -88 ? -1.0 : Math.expm1(x);   // e⁻⁸⁸ is below float resolution of −1; NaN and overflow as Math
        }
        double k = Math.rint(x * LOG2E);
        double r = x - k * LN2;
        double p = r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
                + r * (1.0 / 5040 + r * (1.0 / 40320))))))));
        if (k == 0) {
            return p;
        }
        double scale = Double.longBitsToDouble((long) (k + 1023) << 52);
        return scale * p + (scale - 1);
    }

    private static NdArray leakyRelu(OpArgs a) {
        double alpha = a.floatValue("alpha", 0.01f);
        return map(a, floatInput(a), v -> v >= 0 ? v : alpha * v);
    }

    /** {@code x >= 0 ? x : alpha[c]·x} with one alpha per channel of x {@code [N, C, *D]}. */
    private static NdArray prelu(OpArgs a) {
        NdArray x = floatInput(a);
        float[] alpha = a.tensor("alpha").floats();
        if (x.rank() < 2 || alpha.length != x.dim(1)) {
            throw a.fail("alpha needs one value per channel of x " + x + ", got " + alpha.length);
        }
        int plane = Shapes.product(x.shape(), 2, x.rank());
        float[] in = x.floats();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            float v = in[i];
            out[i] = v >= 0 ? v : alpha[(i / plane) % alpha.length] * v;
        }
        return NdArray.f32(x.shape(), out);
    }

    private static NdArray clip(OpArgs a) {
        if (!a.has("alpha") || !a.has("beta")) {
            throw a.fail("clip needs both alpha and beta");
        }
        float lo = a.floatValue("alpha", 0f);
        float hi = a.floatValue("beta", 0f);
        NdArray x = floatInput(a);
        float[] in = x.floats();
        float[] out = new float[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(Math.max(in[i], lo), hi);
        }
        return NdArray.f32(x.shape(), out);
    }

    private static NdArray gelu(OpArgs a) {
        String mode = a.stringValue("mode", "EXACT");
        NdArray x = floatInput(a);
        DoubleUnaryOperator f = switch (mode) {
            case "EXACT" -> v -> 0.5 * v * (1 + Erf.erf(v * SQRT_HALF));
            case "TANH_APPROXIMATION" -> v -> 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
            case "SIGMOID_APPROXIMATION" -> v -> v * sigmoid(1.702 * v);
            default -> throw a.fail("unknown gelu mode '" + mode + "'");
        };
        return HalfTable.suits(a, x) ? HalfTable.map(x, "gelu " + mode, f) : map(a, x, f);
    }

    /**
     * Element type conversion. Float to integer truncates toward zero (NumPy's astype); narrow integer types wrap;
     * the rounding to fp16 happens where every FP16 output is rounded, in the executor.
     */
    private static NdArray cast(OpArgs a) {
        String dtype = a.stringValue("dtype", null);
        if (dtype == null) {
            throw a.fail("required parameter 'dtype' is missing");
        }
        NdArray x = a.tensor("x");
        int[] shape = x.shape();
        int n = x.size();
        switch (dtype) {
            case "fp16", "fp32" -> {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = x.isFloat() ? x.floats()[i] : x.ints()[i];
                }
                return NdArray.f32(shape, out);
            }
            case "bool" -> {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (x.isFloat() ? x.floats()[i] != 0 : x.ints()[i] != 0) ? 1 : 0;
                }
                return NdArray.bool(shape, out);
            }
            case "int32", "int8", "uint8", "int16", "uint16" -> {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    int v = x.isFloat() ? (int) x.floats()[i] : x.ints()[i];
                    out[i] = switch (dtype) {
                        case "int8" -> (byte) v;
                        case "uint8" -> v & 0xFF;
                        case "int16" -> (short) v;
                        case "uint16" -> v & 0xFFFF;
                        default -> v;
                    };
                }
                return NdArray.i32(shape, out);
            }
            default -> throw a.fail("unsupported cast dtype '" + dtype + "'");
        }
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** Float-only elementwise ops keep x's type. */
    public static TensorType unaryFloatType(Var x) {
        TypeRules.requireFloat(x);
        return x.tensorType();
    }

    /** abs, square, sign, exp2: fp16, fp32 or int32, type kept. */
    public static TensorType unaryNumericType(Var x) {
        DataType dt = x.tensorType().dataType();
        if (dt != DataType.FLOAT16 && dt != DataType.FLOAT32 && dt != DataType.INT32) {
            throw fail("x must be fp16, fp32 or int32, got " + x.tensorType());
        }
        return x.tensorType();
    }

    public static TensorType geluType(Var x, String mode) {
        TypeRules.requireFloat(x);
        if (!java.util.List.of("EXACT", "TANH_APPROXIMATION", "SIGMOID_APPROXIMATION").contains(mode)) {
            throw fail("unknown mode '" + mode + "'");
        }
        return x.tensorType();
    }

    public static TensorType clipType(Var x, float alpha, float beta) {
        TypeRules.requireFloat(x);
        if (!(alpha < beta)) {
            throw fail("alpha " + alpha + " must be < beta " + beta);
        }
        return x.tensorType();
    }

    /** Element type conversion to fp16, fp32, int32 or bool. */
    public static TensorType castType(Var x, DataType dtype) {
        if (!java.util.List.of(DataType.FLOAT16, DataType.FLOAT32, DataType.INT32, DataType.BOOL).contains(dtype)) {
            throw fail("unsupported target dtype " + dtype.milName);
        }
        return x.tensorType().withDataType(dtype);
    }
}
