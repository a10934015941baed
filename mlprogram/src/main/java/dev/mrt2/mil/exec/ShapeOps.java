package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move or repeat elements without arithmetic (coreml-mlpackage.md §6.7). They keep the input's kind.
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class ShapeOps {
    private ShapeOps() {}

    static void define(OpTable t) {
        t.mover("reshape", Kernel.single(ShapeOps::reshape), "x", "shape");
        t.mover("transpose", Kernel.single(a -> {
            NdArray x = a.tensor("x");
            int[] perm = a.intList("perm");
            if (perm.length != x.rank()) throw a.fail("perm " + Arrays.toString(perm) + " for " + x);
            for (int i = 0; i < perm.length; i++) perm[i] = a.axis(perm[i], x.rank());
            return transpose(x, perm);
        }), "x", "perm");
        t.mover("concat", Kernel.single(ShapeOps::concat), "values*", "axis", "interleave");
        t.mover("split", ShapeOps::split, "x", "num_splits", "split_sizes", "axis");
        t.mover("expand_dims", Kernel.single(ShapeOps::expandDims), "x", "axes");
        t.mover("squeeze", Kernel.single(ShapeOps::squeeze), "x", "axes");
        t.mover("tile", Kernel.single(ShapeOps::tile), "x", "reps");
        t.op("pad", Kernel.single(ShapeOps::pad), "x", "pad", "mode", "constant_val");
        t.op("fill", Kernel.single(a -> fill(a, a.intList("shape"))), "shape", "value");
        t.op(Opset.IOS16, "fill_like", Kernel.single(a -> fill(a, a.tensor("ref_tensor").shape())), "ref_tensor", "value");
        t.mover(Opset.IOS16, "pixel_unshuffle", Kernel.single(ShapeOps::pixelUnshuffle), "x", "downscale_factor");
        t.op("range_1d", Kernel.single(ShapeOps::range), "end", "start", "step");
        t.mover("upsample_nearest_neighbor", Kernel.single(ShapeOps::upsampleNearest), "x", "scale_factor_height",
                "scale_factor_width");
    }

    static NdArray transpose(NdArray x, int[] perm) {
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) identity &= perm[i] == i;
        if (identity) {
            return x;
        }
        int[] shape = x.shape();
        int[] strides = Shapes.strides(shape);
        int[] outShape = new int[perm.length];
        int[] outStrides = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            outShape[i] = shape[perm[i]];
            outStrides[i] = strides[perm[i]];
        }
        return Strided.gather(x, 0, outStrides, outShape);
    }

    /**
     * {@code shape} entries: sizes, −1 (inferred) and 0. Up to iOS16 a 0 copies the input dimension at the same index;
     * from iOS17 it copies the dimension aligned from the right, and is 1 beyond the input's rank (§6.7).
     */
    private static NdArray reshape(OpArgs a) {
        NdArray x = a.tensor("x");
        int[] target = a.intList("shape");
        int[] in = x.shape();
        int[] out = new int[target.length];
        int infer = -1;
        long known = 1;
        boolean rightAligned = a.opset().compareTo(Opset.IOS17) >= 0;
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (t == -1) {
                if (infer >= 0) throw a.fail("shape " + Arrays.toString(target) + " has two -1 entries");
                infer = i;
                continue;
            }
            if (t == 0) {
                int src = rightAligned ? in.length - target.length + i : i;
                t = src >= 0 && src < in.length ? in[src] : (rightAligned ? 1 : -2);
                if (t == -2) throw a.fail("shape " + Arrays.toString(target) + ": 0 at index " + i + " has no input dim");
            } else if (t < 0) {
                throw a.fail("shape " + Arrays.toString(target) + " has entry " + t);
            }
            out[i] = t;
            known *= t;
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw a.fail("cannot infer -1 in " + Arrays.toString(target) + " for " + x);
            }
            out[infer] = (int) (x.size() / known);
        }
        if (Shapes.size(out) != x.size()) {
            throw a.fail("cannot reshape " + x + " to " + Arrays.toString(target));
        }
        return x.reshape(out);
    }

    private static NdArray concat(OpArgs a) {
        List<NdArray> values = a.tensors("values");
        NdArray first = values.get(0);
        int rank = first.rank();
        int axis = a.axis(a.intValue("axis"), rank);
        boolean interleave = a.boolValue("interleave", false);
        int[] shape = first.shape();
        int total = 0;
        for (NdArray v : values) {
            int[] s = v.shape();
            boolean ok = s.length == rank && v.isFloat() == first.isFloat();
            for (int i = 0; ok && i < rank; i++) ok = i == axis || s[i] == shape[i];
            if (!ok || (interleave && s[axis] != shape[axis])) {
                throw a.fail("value " + v + " does not match " + first + " off axis " + axis);
            }
            total += s[axis];
        }
        int[] outShape = shape.clone();
        outShape[axis] = total;
        if (!interleave) {
            return concat(values, axis, outShape);
        }
        // interleave: output rows along axis alternate between the inputs (value 0 row 0, value 1 row 0, …)
        int outer = Shapes.product(shape, 0, axis);
        int inner = Shapes.product(shape, axis + 1, rank);
        boolean isFloat = first.isFloat();
        float[] fo = isFloat ? new float[Shapes.size(outShape)] : null;
        int[] io = isFloat ? null : new int[Shapes.size(outShape)];
        int rowOut = total * inner;
        int n = values.size();
        for (int vi = 0; vi < n; vi++) {
            NdArray v = values.get(vi);
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < shape[axis]; k++) {
                    int src = (o * shape[axis] + k) * inner;
                    int dst = o * rowOut + (k * n + vi) * inner;
                    copy(v, src, fo, io, dst, inner);
                }
            }
        }
        return isFloat ? Strided.withFloats(uniformKind(values), outShape, fo) : Strided.withInts(first, outShape, io);
    }

    /** Values already checked to fit one another, one after the other along {@code axis}, into {@code outShape}. */
    static NdArray concat(List<NdArray> values, int axis, int[] outShape) {
        NdArray first = values.get(0);
        int outer = Shapes.product(outShape, 0, axis);
        int inner = Shapes.product(outShape, axis + 1, outShape.length);
        int rowOut = outShape[axis] * inner;
        float[] fo = first.isFloat() ? new float[Shapes.size(outShape)] : null;
        int[] io = first.isFloat() ? null : new int[Shapes.size(outShape)];
        int offset = 0;
        for (NdArray v : values) {
            int rowIn = v.dim(axis) * inner;
            for (int o = 0; o < outer; o++) {
                copy(v, o * rowIn, fo, io, o * rowOut + offset, rowIn);
            }
            offset += rowIn;
        }
        return fo != null ? Strided.withFloats(uniformKind(values), outShape, fo) : Strided.withInts(first, outShape, io);
    }

    /** F16 only when every input is F16; a mixed list yields F32 and the executor rounds to the declared type. */
    static NdArray uniformKind(List<NdArray> values) {
        for (NdArray v : values) {
            if (v.kind() != NdArray.Kind.F16) {
                return v;
            }
        }
        return values.get(0);
    }

    private static void copy(NdArray src, int from, float[] fo, int[] io, int to, int n) {
        if (fo != null) {
            System.arraycopy(src.floats(), from, fo, to, n);
        } else {
            System.arraycopy(src.ints(), from, io, to, n);
        }
    }

    private static List<NdArray> split(OpArgs a) {
        NdArray x = a.tensor("x");
        int rank = x.rank();
        int axis = a.axis(a.intValue("axis"), rank);
        int[] shape = x.shape();
        int[] sizes;
        if (a.has("split_sizes")) {
            sizes = a.intList("split_sizes");
        } else {
            int n = a.intValue("num_splits", a.outputCount());
            if (n <= 0 || shape[axis] % n != 0) throw a.fail("cannot split " + x + " into " + n + " equal parts on axis " + axis);
            sizes = new int[n];
            Arrays.fill(sizes, shape[axis] / n);
        }
        if (Arrays.stream(sizes).sum() != shape[axis]) {
            throw a.fail("split sizes " + Arrays.toString(sizes) + " do not sum to " + shape[axis]);
        }
        int[] strides = Shapes.strides(shape);
        List<NdArray> out = new ArrayList<>();
        int begin = 0;
        for (int s : sizes) {
            int[] piece = shape.clone();
            piece[axis] = s;
            out.add(Strided.gather(x, begin * strides[axis], strides, piece));
            begin += s;
        }
        return out;
    }

    private static NdArray expandDims(OpArgs a) {
        NdArray x = a.tensor("x");
        int[] axes = a.intList("axes");
        int outRank = x.rank() + axes.length;
        boolean[] added = new boolean[outRank];
        for (int ax : axes) {
            int n = a.axis(ax, outRank);
            if (added[n]) throw a.fail("axes " + Arrays.toString(axes) + " repeat an axis");
            added[n] = true;
        }
        int[] in = x.shape();
        int[] out = new int[outRank];
        int src = 0;
        for (int i = 0; i < outRank; i++) out[i] = added[i] ? 1 : in[src++];
        return x.reshape(out);
    }

    /** Without {@code axes} every size-1 axis goes; a listed axis that is not size 1 is kept (§6.7). */
    private static NdArray squeeze(OpArgs a) {
        NdArray x = a.tensor("x");
        int[] in = x.shape();
        boolean[] drop = new boolean[in.length];
        if (a.has("axes")) {
            for (int ax : a.intList("axes")) {
                int n = a.axis(ax, in.length);
                drop[n] = in[n] == 1;
            }
        } else {
            for (int i = 0; i < in.length; i++) drop[i] = in[i] == 1;
        }
        int[] out = new int[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) if (!drop[i]) out[n++] = in[i];
        return x.reshape(Arrays.copyOf(out, n));
    }

    private static NdArray tile(OpArgs a) {
        NdArray x = a.tensor("x");
        int[] reps = a.intList("reps");
        int[] in = x.shape();
        if (reps.length != in.length) throw a.fail("reps " + Arrays.toString(reps) + " for " + x);
        // view the output as [r0, d0, r1, d1, …] with stride 0 on every repeat axis
        int[] viewShape = new int[2 * in.length];
        int[] viewStrides = new int[2 * in.length];
        int[] strides = Shapes.strides(in);
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            viewShape[2 * i] = reps[i];
            viewShape[2 * i + 1] = in[i];
            viewStrides[2 * i + 1] = strides[i];
            out[i] = reps[i] * in[i];
        }
        return Strided.gather(x, 0, viewStrides, viewShape).reshape(out);
    }

    /** Pads the last {@code pad.length / 2} axes; modes constant, reflect (edge not repeated) and replicate. */
    private static NdArray pad(OpArgs a) {
        NdArray x = a.tensor("x");
        int[] pads = a.intList("pad");
        String mode = a.stringValue("mode", "constant");
        float value = a.floatValue("constant_val", 0f);
        int rank = x.rank();
        if (pads.length % 2 != 0 || pads.length / 2 > rank) throw a.fail("pad " + Arrays.toString(pads) + " for " + x);
        int[] before = new int[rank];
        int[] after = new int[rank];
        int first = rank - pads.length / 2;
        for (int i = 0; i < pads.length / 2; i++) {
            before[first + i] = pads[2 * i];
            after[first + i] = pads[2 * i + 1];
        }
        int[] in = x.shape();
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = in[i] + before[i] + after[i];
            if (before[i] < 0 || after[i] < 0) {
                throw a.fail("negative padding " + before[i] + "/" + after[i] + " on axis " + i);
            }
            // reflect mirrors without repeating the edge, so it can reach at most dim - 1 elements out
            if (mode.equals("reflect") && (before[i] > in[i] - 1 || after[i] > in[i] - 1)) {
                throw a.fail("reflect padding " + before[i] + "/" + after[i] + " too wide for axis " + i + " of " + x);
            }
        }
        if (!x.isFloat()) throw a.fail("x must be fp16 or fp32, got " + x);
        float[] src = x.floats();
        float[] dst = new float[Shapes.size(out)];
        int[] inStrides = Shapes.strides(in);
        int[] idx = new int[rank];
        for (int o = 0; o < dst.length; o++) {
            int rem = o;
            int srcOff = 0;
            boolean outside = false;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d] = rem % out[d];
                rem /= out[d];
                int s = idx[d] - before[d];
                if (s < 0 || s >= in[d]) {
                    switch (mode) {
                        case "constant" -> outside = true;
                        case "reflect" -> s = s < 0 ? -s : 2 * (in[d] - 1) - s;
                        case "replicate" -> s = s < 0 ? 0 : in[d] - 1;
                        default -> throw a.fail("unknown pad mode '" + mode + "'");
                    }
                }
                srcOff += s * inStrides[d];
            }
            dst[o] = outside ? value : src[srcOff];
        }
        return NdArray.f32(out, dst);
    }

    private static NdArray fill(OpArgs a, int[] shape) {
        DataType dt = a.outputType(0).dataType();
        int n = Shapes.size(shape);
        if (dt.isFloat()) {
            float[] f = new float[n];
            Arrays.fill(f, a.floatValue("value", 0f));
            return NdArray.f32(shape, f);
        }
        int[] v = new int[n];
        Arrays.fill(v, (int) a.floatValue("value", 0f));
        return dt == DataType.BOOL ? NdArray.bool(shape, v) : NdArray.i32(shape, v);
    }

    private static NdArray range(OpArgs a) {
        float start = a.floatValue("start", 0f);
        float end = a.floatValue("end", 0f);
        float step = a.floatValue("step", 1f);
        if (step == 0) throw a.fail("step is 0");
        int n = Math.max(0, (int) Math.ceil((end - start) / step));
        if (a.outputType(0).dataType().isFloat()) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = start + i * step;
            return NdArray.f32(new int[] {n}, f);
        }
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = (int) (start + (long) i * (int) step);
        return NdArray.i32(new int[] {n}, v);
    }

    /** {@code out[n, c·r² + i·r + j, h, w] = x[n, c, h·r + i, w·r + j]} for x {@code [N, C, H, W]}. */
    private static NdArray pixelUnshuffle(OpArgs a) {
        NdArray x = a.tensor("x");
        int r = a.intValue("downscale_factor");
        int[] in = x.shape();
        if (in.length != 4 || r < 1 || in[2] % r != 0 || in[3] % r != 0) {
            throw a.fail("x must be [N, C, H, W] with H and W divisible by " + r + ", got " + x);
        }
        // view x as [N, C, H/r, r, W/r, r] and read it as [N, C, r, r, H/r, W/r]
        int[] st = Shapes.strides(in);
        int[] viewShape = {in[0], in[1], r, r, in[2] / r, in[3] / r};
        int[] viewStrides = {st[0], st[1], st[2], st[3], st[2] * r, st[3] * r};
        return Strided.gather(x, 0, viewStrides, viewShape).reshape(in[0], in[1] * r * r, in[2] / r, in[3] / r);
    }

    /** {@code out[…, h, w] = x[…, ⌊h / s_h⌋, ⌊w / s_w⌋]} on the last two axes. */
    private static NdArray upsampleNearest(OpArgs a) {
        NdArray x = a.tensor("x");
        float sh = a.floatValue("scale_factor_height", 1f);
        float sw = a.floatValue("scale_factor_width", 1f);
        int[] in = x.shape();
        int rank = in.length;
        if (rank < 3) throw a.fail("x must have rank >= 3, got " + x);
        int h = in[rank - 2];
        int w = in[rank - 1];
        int oh = (int) Math.floor(h * sh);
        int ow = (int) Math.floor(w * sw);
        int outer = Shapes.product(in, 0, rank - 2);
        float[] src = x.floats();
        float[] dst = new float[outer * oh * ow];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < oh; i++) {
                int si = Math.min(h - 1, (int) Math.floor(i / sh));
                for (int j = 0; j < ow; j++) {
                    int sj = Math.min(w - 1, (int) Math.floor(j / sw));
                    dst[(o * oh + i) * ow + j] = src[(o * h + si) * w + sj];
                }
            }
        }
        int[] out = in.clone();
        out[rank - 2] = oh;
        out[rank - 1] = ow;
        return Strided.withFloats(x, out, dst);
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** A fully specified static shape with the same element count. */
    public static TensorType reshapeType(Var x, long[] shape) {
        TensorType t = x.tensorType();
        TensorType out = TensorType.of(t.dataType(), shape);
        if (out.elementCount() != t.elementCount()) {
            throw fail("cannot reshape " + t + " to " + Arrays.toString(shape));
        }
        return out;
    }

    public static TensorType transposeType(Var x, int[] perm) {
        TensorType t = x.tensorType();
        if (perm.length != t.rank()) throw fail("perm " + Arrays.toString(perm) + " for " + t);
        boolean[] seen = new boolean[perm.length];
        long[] dims = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = TypeRules.axis(perm[i], t.rank());
            if (seen[p]) throw fail("perm " + Arrays.toString(perm) + " repeats an axis");
            seen[p] = true;
            dims[i] = t.dim(p);
        }
        return t.withShape(dims);
    }

    /** Values of one dtype and rank, equal off {@code axis}; sizes along it add up. */
    public static TensorType concatType(int axis, Var... values) {
        if (values.length == 0) throw fail("no values");
        TensorType first = values[0].tensorType();
        int ax = TypeRules.axis(axis, first.rank());
        long total = 0;
        for (Var v : values) {
            TensorType t = v.tensorType();
            if (t.rank() != first.rank() || t.dataType() != first.dataType()) {
                throw fail("value " + v.name() + " " + t + " does not match " + first);
            }
            for (int i = 0; i < t.rank(); i++) {
                if (i != ax && t.dim(i) != first.dim(i)) {
                    throw fail("value " + v.name() + " " + t + " differs from " + first + " off axis " + ax);
                }
            }
            total += t.dim(ax);
        }
        long[] dims = first.dims();
        dims[ax] = total;
        return first.withShape(dims);
    }

    /** One type per piece; the sizes must add up to the axis. */
    public static java.util.List<TensorType> splitTypes(Var x, int axis, int[] sizes) {
        TensorType t = x.tensorType();
        int ax = TypeRules.axis(axis, t.rank());
        long sum = 0;
        for (int s : sizes) sum += s;
        if (sum != t.dim(ax)) throw fail("sizes " + Arrays.toString(sizes) + " do not sum to " + t.dim(ax));
        java.util.List<TensorType> outs = new java.util.ArrayList<>();
        for (int s : sizes) {
            long[] d = t.dims();
            d[ax] = s;
            outs.add(t.withShape(d));
        }
        return outs;
    }

    public static TensorType expandDimsType(Var x, int[] axes) {
        TensorType t = x.tensorType();
        int outRank = t.rank() + axes.length;
        boolean[] added = new boolean[outRank];
        for (int a : axes) added[TypeRules.axis(a, outRank)] = true;
        long[] dims = new long[outRank];
        int src = 0;
        for (int i = 0; i < outRank; i++) dims[i] = added[i] ? 1 : t.dim(src++);
        return t.withShape(dims);
    }

    public static TensorType squeezeType(Var x, int[] axes) {
        TensorType t = x.tensorType();
        boolean[] drop = new boolean[t.rank()];
        for (int a : axes) {
            int ax = TypeRules.axis(a, t.rank());
            if (t.dim(ax) != 1) throw fail("axis " + a + " of " + t + " is not 1");
            drop[ax] = true;
        }
        java.util.List<Long> shape = new java.util.ArrayList<>();
        for (int i = 0; i < t.rank(); i++) if (!drop[i]) shape.add(t.dim(i));
        return new TensorType(t.dataType(), shape);
    }

    public static TensorType tileType(Var x, int[] reps) {
        TensorType t = x.tensorType();
        if (reps.length != t.rank()) throw fail("reps length " + reps.length + " != rank " + t.rank());
        long[] dims = t.dims();
        for (int i = 0; i < dims.length; i++) dims[i] *= reps[i];
        return t.withShape(dims);
    }

    /** Constant padding of the last {@code pads.length / 2} axes, pairs (before, after). */
    public static TensorType padType(Var x, int[] pads) {
        TensorType t = x.tensorType();
        TypeRules.requireFloat(x);
        if (pads.length % 2 != 0 || pads.length / 2 > t.rank()) {
            throw fail("pad list " + Arrays.toString(pads) + " for " + t);
        }
        long[] dims = t.dims();
        int first = t.rank() - pads.length / 2;
        for (int i = 0; i < pads.length / 2; i++) dims[first + i] += pads[2 * i] + pads[2 * i + 1];
        return t.withShape(dims);
    }
}
