package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;

/**
 * Reductions (coreml-mlpackage.md §6.5), {@code softmax} and {@code cumsum}. Reduced axes are first moved to the end,
 * so every reduction is a loop over contiguous rows; sums accumulate in float64.
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class ReductionOps {
    private ReductionOps() {}

    static void define(OpTable t) {
        for (String op : new String[] {"reduce_mean", "reduce_sum", "reduce_max", "reduce_min", "reduce_prod",
                "reduce_l1_norm", "reduce_l2_norm", "reduce_log_sum", "reduce_log_sum_exp", "reduce_sum_square"}) {
            t.op(op, Kernel.single(a -> reduce(a, op)), "x", "axes", "keep_dims");
        }
        t.op("reduce_argmax", Kernel.single(a -> argExtreme(a, true)), "x", "axis", "keep_dims", "output_dtype@IOS17");
        t.op("reduce_argmin", Kernel.single(a -> argExtreme(a, false)), "x", "axis", "keep_dims", "output_dtype@IOS17");
        t.bounded("softmax", Kernel.single(ReductionOps::softmax), "x", "axis");
        t.op("cumsum", Kernel.single(ReductionOps::cumsum), "x", "axis", "exclusive", "reverse");
    }

    private static NdArray reduce(OpArgs a, String op) {
        NdArray x = a.tensor("x");
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        if (a.has("axes")) {
            for (int ax : a.intList("axes")) {
                reduced[a.axis(ax, rank)] = true;
            }
        } else {
            java.util.Arrays.fill(reduced, true);    // "none" means every axis
        }
        boolean keepDims = a.boolValue("keep_dims", false);
        int[] perm = new int[rank];
        int p = 0;
        for (int i = 0; i < rank; i++) if (!reduced[i]) perm[p++] = i;
        int kept = p;
        for (int i = 0; i < rank; i++) if (reduced[i]) perm[p++] = i;
        NdArray moved = ShapeOps.transpose(x, perm);
        int[] shape = x.shape();
        int rows = 1;
        for (int i = 0; i < kept; i++) rows *= shape[perm[i]];
        int len = rows == 0 ? 0 : x.size() / Math.max(rows, 1);
        // each value read as float64 where it lies: a streaming step's norms and the rollout's reductions ran through a
        // float64 copy of the whole tensor (render's token loop: 0.9 GB of copies per 10 s of audio)
        float[] fv = moved.isFloat() ? moved.floats() : null;
        int[] iv = fv == null ? moved.ints() : null;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = reduceRow(op, fv, iv, r * len, len);
        }
        int[] outShape = reducedShape(shape, reduced, keepDims);
        if (x.isFloat()) {
            float[] f = new float[rows];
            for (int r = 0; r < rows; r++) f[r] = (float) out[r];
            return NdArray.f32(outShape, f);
        }
        int[] v = new int[rows];
        for (int r = 0; r < rows; r++) v[r] = (int) out[r];   // integer means truncate, as the int32 output type does
        return NdArray.i32(outShape, v);
    }

    /** One row's reduction over {@code f} (float tensors) or {@code iv}, each value widened to float64. */
    private static double reduceRow(String op, float[] f, int[] iv, int from, int len) {
        double acc;
        switch (op) {
            case "reduce_max", "reduce_min" -> {
                boolean max = op.equals("reduce_max");
                acc = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                for (int i = from; i < from + len; i++) {
                    double e = at(f, iv, i);
                    if (Double.isNaN(e)) return Double.NaN;
                    acc = max ? Math.max(acc, e) : Math.min(acc, e);
                }
                return acc;
            }
            case "reduce_prod" -> {
                acc = 1;
                for (int i = from; i < from + len; i++) acc *= at(f, iv, i);
                return acc;
            }
            case "reduce_log_sum_exp" -> {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = from; i < from + len; i++) m = Math.max(m, at(f, iv, i));
                if (Double.isInfinite(m)) return m;
                acc = 0;
                for (int i = from; i < from + len; i++) acc += Math.exp(at(f, iv, i) - m);
                return m + Math.log(acc);
            }
            default -> {
                boolean abs = op.equals("reduce_l1_norm");
                boolean square = op.equals("reduce_l2_norm") || op.equals("reduce_sum_square");
                acc = 0;
                for (int i = from; i < from + len; i++) {
                    double e = at(f, iv, i);
                    acc += abs ? Math.abs(e) : square ? e * e : e;
                }
                return switch (op) {
                    case "reduce_mean" -> acc / len;
                    case "reduce_l2_norm" -> Math.sqrt(acc);
                    case "reduce_log_sum" -> Math.log(acc);
                    default -> acc;
                };
            }
        }
    }

    private static double at(float[] f, int[] iv, int i) {
        return f != null ? f[i] : iv[i];
    }

    private static int[] reducedShape(int[] shape, boolean[] reduced, boolean keepDims) {
        int n = 0;
        for (int i = 0; i < shape.length; i++) if (!reduced[i] || keepDims) n++;
        int[] out = new int[n];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!reduced[i]) out[j++] = shape[i];
            else if (keepDims) out[j++] = 1;
        }
        return out;
    }

    /** Index of the first maximum (minimum); a NaN counts as the extreme, as in NumPy. */
    private static NdArray argExtreme(OpArgs a, boolean max) {
        NdArray x = a.tensor("x");
        int rank = x.rank();
        int axis = a.axis(a.intValue("axis", -1), rank);
        boolean keepDims = a.boolValue("keep_dims", false);
        int[] shape = x.shape();
        int outer = Shapes.product(shape, 0, axis);
        int n = shape[axis];
        int inner = Shapes.product(shape, axis + 1, rank);
        float[] f = x.isFloat() ? x.floats() : null;
        int[] iv = f == null ? x.ints() : null;
        int[] out = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                int best = 0;
                double bestV = at(f, iv, base);
                for (int k = 1; k < n && !Double.isNaN(bestV); k++) {
                    double e = at(f, iv, base + k * inner);
                    if (Double.isNaN(e) || (max ? e > bestV : e < bestV)) {
                        best = k;
                        bestV = e;
                    }
                }
                out[o * inner + i] = best;
            }
        }
        boolean[] reduced = new boolean[rank];
        reduced[axis] = true;
        return NdArray.i32(reducedShape(shape, reduced, keepDims), out);
    }

    /** {@code exp(x − max) / Σ exp(x − max)} along {@code axis}, in double. */
    private static NdArray softmax(OpArgs a) {
        NdArray x = a.tensor("x");
        if (!x.isFloat()) {
            throw a.fail("x must be fp16 or fp32, got " + x);
        }
        int rank = x.rank();
        int axis = a.axis(a.intValue("axis", -1), rank);
        return NdArray.f32(x.shape(), softmax(x.floats(), x.shape(), axis));
    }

    static float[] softmax(float[] in, int[] shape, int axis) {
        int outer = Shapes.product(shape, 0, axis);
        int n = shape[axis];
        int inner = Shapes.product(shape, axis + 1, shape.length);
        float[] out = new float[in.length];
        double[] e = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double m = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) m = Math.max(m, in[base + k * inner]);
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    e[k] = Math.exp(in[base + k * inner] - m);
                    sum += e[k];
                }
                for (int k = 0; k < n; k++) out[base + k * inner] = (float) (e[k] / sum);
            }
        }
        return out;
    }

    private static NdArray cumsum(OpArgs a) {
        NdArray x = a.tensor("x");
        int rank = x.rank();
        int axis = a.axis(a.intValue("axis", 0), rank);
        boolean exclusive = a.boolValue("exclusive", false);
        boolean reverse = a.boolValue("reverse", false);
        int[] shape = x.shape();
        int outer = Shapes.product(shape, 0, axis);
        int n = shape[axis];
        int inner = Shapes.product(shape, axis + 1, rank);
        double[] v = x.toDoubles();
        double[] out = new double[v.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                double acc = 0;
                for (int step = 0; step < n; step++) {
                    int k = reverse ? n - 1 - step : step;
                    int idx = base + k * inner;
                    if (exclusive) {
                        out[idx] = acc;
                        acc += v[idx];
                    } else {
                        acc += v[idx];
                        out[idx] = acc;
                    }
                }
            }
        }
        if (x.isFloat()) {
            float[] f = new float[out.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) out[i];
            return NdArray.f32(shape, f);
        }
        int[] iv = new int[out.length];
        for (int i = 0; i < iv.length; i++) iv[i] = (int) out[i];
        return NdArray.i32(shape, iv);
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** reduce_*: the listed axes dropped, or kept as 1. */
    public static TensorType reduceType(Var x, int[] axes, boolean keepDims) {
        TensorType t = x.tensorType();
        boolean[] reduced = new boolean[t.rank()];
        for (int a : axes) reduced[TypeRules.axis(a, t.rank())] = true;
        java.util.List<Long> shape = new java.util.ArrayList<>();
        for (int i = 0; i < t.rank(); i++) {
            if (!reduced[i]) shape.add(t.dim(i));
            else if (keepDims) shape.add(1L);
        }
        return new TensorType(t.dataType(), shape);
    }

    /** reduce_argmax / _argmin: int32 indices, {@code axis} dropped or kept as 1. */
    public static TensorType argReduceType(Var x, int axis, boolean keepDims) {
        TensorType t = x.tensorType();
        int ax = TypeRules.axis(axis, t.rank());
        java.util.List<Long> shape = new java.util.ArrayList<>();
        for (int i = 0; i < t.rank(); i++) {
            if (i != ax) shape.add(t.dim(i));
            else if (keepDims) shape.add(1L);
        }
        return new TensorType(DataType.INT32, shape);
    }

    public static TensorType softmaxType(Var x, int axis) {
        TypeRules.requireFloat(x);
        TypeRules.axis(axis, x.tensorType().rank());
        return x.tensorType();
    }

    public static TensorType cumsumType(Var x, int axis) {
        TypeRules.axis(axis, x.tensorType().rank());
        return x.tensorType();
    }
}
