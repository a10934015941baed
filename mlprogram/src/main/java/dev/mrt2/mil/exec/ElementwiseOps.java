package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;

/**
 * Elementwise binary ops with NumPy broadcasting (coreml-mlpackage.md §6.3): arithmetic on fp16/fp32/int32,
 * comparisons to bool, logical ops, and {@code select}. Operands of a different shape are first broadcast to the
 * output shape, so each op is one tight loop.
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    static void define(OpTable t) {
        for (String op : new String[] {"add", "sub", "mul", "real_div", "pow", "maximum", "minimum", "floor_div", "mod"}) {
            t.op(op, Kernel.single(a -> arithmetic(a, op)), "x", "y");
        }
        for (String op : new String[] {"equal", "not_equal", "greater", "greater_equal", "less", "less_equal"}) {
            t.op(op, Kernel.single(a -> compare(a, op)), "x", "y");
        }
        for (String op : new String[] {"logical_and", "logical_or", "logical_xor"}) {
            t.op(op, Kernel.single(a -> logical(a, op)), "x", "y");
        }
        t.op("logical_not", Kernel.single(ElementwiseOps::logicalNot), "x");
        t.op("select", Kernel.single(ElementwiseOps::select), "cond", "a", "b");
    }

    private static int[] outShape(OpArgs a, NdArray x, NdArray y) {
        int[] shape = Shapes.broadcast(x.shape(), y.shape());
        if (shape == null) {
            throw a.fail("x " + x + " and y " + y + " do not broadcast");
        }
        return shape;
    }

    private static void requireSameKind(OpArgs a, NdArray x, NdArray y) {
        if (x.isFloat() != y.isFloat()) {
            throw a.fail("x " + x + " and y " + y + " differ in dtype");
        }
    }

    static NdArray arithmetic(OpArgs a, String op) {
        NdArray x = a.tensor("x");
        NdArray y = a.tensor("y");
        requireSameKind(a, x, y);
        int[] shape = outShape(a, x, y);
        if (x.isFloat()) {
            float[] xs = Strided.broadcastTo(x, shape).floats();
            float[] ys = Strided.broadcastTo(y, shape).floats();
            return NdArray.f32(shape, floatArithmetic(op, xs, ys));
        }
        int[] xs = Strided.broadcastTo(x, shape).ints();
        int[] ys = Strided.broadcastTo(y, shape).ints();
        int[] out = new int[xs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = intArithmetic(a, op, xs[i], ys[i]);
        }
        return NdArray.i32(shape, out);
    }

    /** Float arithmetic on equal-length operands; each op is its own loop because the decoder runs them on big tensors. */
    static float[] floatArithmetic(String op, float[] x, float[] y) {
        float[] out = new float[x.length];
        Parallel.range(x.length, (from, to) -> floatArithmetic(op, x, y, out, from, to));
        return out;
    }

    private static void floatArithmetic(String op, float[] x, float[] y, float[] out, int from, int to) {
        switch (op) {
            case "add" -> { for (int i = from; i < to; i++) out[i] = x[i] + y[i]; }
            case "sub" -> { for (int i = from; i < to; i++) out[i] = x[i] - y[i]; }
            case "mul" -> { for (int i = from; i < to; i++) out[i] = x[i] * y[i]; }
            case "real_div" -> { for (int i = from; i < to; i++) out[i] = x[i] / y[i]; }
            case "maximum" -> { for (int i = from; i < to; i++) out[i] = Math.max(x[i], y[i]); }
            case "minimum" -> { for (int i = from; i < to; i++) out[i] = Math.min(x[i], y[i]); }
            case "pow" -> { for (int i = from; i < to; i++) out[i] = (float) Math.pow(x[i], y[i]); }
            case "floor_div" -> { for (int i = from; i < to; i++) out[i] = (float) Math.floor(x[i] / y[i]); }
            // NumPy's mod: the result takes the sign of the divisor
            case "mod" -> { for (int i = from; i < to; i++) out[i] = x[i] - (float) Math.floor(x[i] / y[i]) * y[i]; }
            default -> throw new IllegalArgumentException(op);
        }
    }

    private static int intArithmetic(OpArgs a, String op, int x, int y) {
        return switch (op) {
            case "add" -> x + y;
            case "sub" -> x - y;
            case "mul" -> x * y;
            case "maximum" -> Math.max(x, y);
            case "minimum" -> Math.min(x, y);
            case "pow" -> (int) Math.pow(x, y);
            // real_div on integers truncates like a C cast of the float quotient
            case "real_div" -> (int) ((double) x / y);
            case "floor_div" -> {
                if (y == 0) throw a.fail("integer division by zero");
                yield Math.floorDiv(x, y);
            }
            case "mod" -> {
                if (y == 0) throw a.fail("integer modulo by zero");
                yield Math.floorMod(x, y);
            }
            default -> throw new IllegalArgumentException(op);
        };
    }

    static NdArray compare(OpArgs a, String op) {
        NdArray x = a.tensor("x");
        NdArray y = a.tensor("y");
        requireSameKind(a, x, y);
        int[] shape = outShape(a, x, y);
        int[] out = new int[Shapes.size(shape)];
        if (x.isFloat()) {
            float[] xs = Strided.broadcastTo(x, shape).floats();
            float[] ys = Strided.broadcastTo(y, shape).floats();
            for (int i = 0; i < out.length; i++) {
                out[i] = test(op, Float.compare(xs[i], ys[i]), xs[i] == ys[i], Float.isNaN(xs[i]) || Float.isNaN(ys[i]));
            }
        } else {
            int[] xs = Strided.broadcastTo(x, shape).ints();
            int[] ys = Strided.broadcastTo(y, shape).ints();
            for (int i = 0; i < out.length; i++) {
                out[i] = test(op, Integer.compare(xs[i], ys[i]), xs[i] == ys[i], false);
            }
        }
        return NdArray.bool(shape, out);
    }

    /** IEEE comparison: every ordered test involving NaN is false, only not_equal is true. */
    private static int test(String op, int cmp, boolean equal, boolean unordered) {
        if (unordered) {
            return op.equals("not_equal") ? 1 : 0;
        }
        boolean r = switch (op) {
            case "equal" -> equal;
            case "not_equal" -> !equal;
            case "greater" -> cmp > 0;
            case "greater_equal" -> cmp >= 0;
            case "less" -> cmp < 0;
            case "less_equal" -> cmp <= 0;
            default -> throw new IllegalArgumentException(op);
        };
        return r ? 1 : 0;
    }

    private static NdArray logical(OpArgs a, String op) {
        NdArray x = requireBool(a, "x");
        NdArray y = requireBool(a, "y");
        int[] shape = outShape(a, x, y);
        int[] xs = Strided.broadcastTo(x, shape).ints();
        int[] ys = Strided.broadcastTo(y, shape).ints();
        int[] out = new int[xs.length];
        for (int i = 0; i < out.length; i++) {
            boolean p = xs[i] != 0;
            boolean q = ys[i] != 0;
            boolean r = switch (op) {
                case "logical_and" -> p && q;
                case "logical_or" -> p || q;
                default -> p ^ q;
            };
            out[i] = r ? 1 : 0;
        }
        return NdArray.bool(shape, out);
    }

    private static NdArray logicalNot(OpArgs a) {
        NdArray x = requireBool(a, "x");
        int[] out = new int[x.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.ints()[i] != 0 ? 0 : 1;
        }
        return NdArray.bool(x.shape(), out);
    }

    private static NdArray requireBool(OpArgs a, String param) {
        NdArray t = a.tensor(param);
        if (t.kind() != NdArray.Kind.BOOL) {
            throw a.fail("'" + param + "' must be bool, got " + t);
        }
        return t;
    }

    /** {@code cond ? a : b}, all three broadcast together. */
    private static NdArray select(OpArgs args) {
        NdArray cond = requireBool(args, "cond");
        NdArray a = args.tensor("a");
        NdArray b = args.tensor("b");
        requireSameKind(args, a, b);
        int[] shape = Shapes.broadcast(cond.shape(), a.shape());
        shape = shape == null ? null : Shapes.broadcast(shape, b.shape());
        if (shape == null) {
            throw args.fail("cond " + cond + ", a " + a + " and b " + b + " do not broadcast");
        }
        int[] c = Strided.broadcastTo(cond, shape).ints();
        if (a.isFloat()) {
            float[] av = Strided.broadcastTo(a, shape).floats();
            float[] bv = Strided.broadcastTo(b, shape).floats();
            float[] out = new float[c.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = c[i] != 0 ? av[i] : bv[i];
            }
            return NdArray.f32(shape, out);
        }
        int[] av = Strided.broadcastTo(a, shape).ints();
        int[] bv = Strided.broadcastTo(b, shape).ints();
        int[] out = new int[c.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = c[i] != 0 ? av[i] : bv[i];
        }
        return a.kind() == NdArray.Kind.BOOL ? NdArray.bool(shape, out) : NdArray.i32(shape, out);
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** Arithmetic and comparisons: equal dtypes, broadcast shapes; comparisons give bool. */
    public static TensorType binaryType(Var x, Var y, boolean boolResult) {
        TensorType tx = x.tensorType();
        TensorType ty = y.tensorType();
        if (tx.dataType() != ty.dataType()) {
            throw fail("x " + tx + " and y " + ty + " differ in dtype (insert a cast)");
        }
        return new TensorType(boolResult ? DataType.BOOL : tx.dataType(), TypeRules.broadcast(tx.shape(), ty.shape()));
    }

    /** logical_and / _or / _xor: two bool operands, broadcast. */
    public static TensorType logicalType(Var x, Var y) {
        TypeRules.requireDtype(x, DataType.BOOL);
        TypeRules.requireDtype(y, DataType.BOOL);
        return new TensorType(DataType.BOOL, TypeRules.broadcast(x.tensorType().shape(), y.tensorType().shape()));
    }

    public static TensorType logicalNotType(Var x) {
        TypeRules.requireDtype(x, DataType.BOOL);
        return x.tensorType();
    }

    /** {@code cond ? a : b}: bool cond, a and b of one dtype, all three broadcast. */
    public static TensorType selectType(Var cond, Var a, Var b) {
        TypeRules.requireDtype(cond, DataType.BOOL);
        TypeRules.requireSameDtype(a, b);
        java.util.List<Long> s = TypeRules.broadcast(cond.tensorType().shape(), a.tensorType().shape());
        return new TensorType(a.tensorType().dataType(), TypeRules.broadcast(s, b.tensorType().shape()));
    }
}
