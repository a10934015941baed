package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;
import java.util.List;

/**
 * Slicing, gathers and top-k (coreml-mlpackage.md §6.7, §6.11).
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class IndexingOps {
    private IndexingOps() {}

    static void define(OpTable t) {
        t.mover("slice_by_index", Kernel.single(IndexingOps::sliceByIndex), "x", "begin", "end", "stride", "begin_mask",
                "end_mask", "squeeze_mask");
        t.mover("slice_by_size", Kernel.single(IndexingOps::sliceBySize), "x", "begin", "size");
        t.op(Opset.IOS18, "slice_update", Kernel.single(IndexingOps::sliceUpdate), "x", "update", "begin", "end",
                "stride", "begin_mask", "end_mask", "squeeze_mask");
        t.mover("gather", Kernel.single(IndexingOps::gather), "x", "indices", "axis", "batch_dims@IOS16",
                "validate_indices@IOS17");
        t.mover("gather_along_axis", Kernel.single(IndexingOps::gatherAlongAxis), "x", "indices", "axis",
                "validate_indices@IOS17");
        t.op("topk", IndexingOps::topk, "x", "k", "axis", "ascending", "sort@IOS16", "return_indices@IOS16",
                "output_indices_dtype@IOS17");
    }

    /** A strided view of x: where it starts, per-axis strides and counts, and which axes squeeze_mask removes. */
    record View(int offset, int[] strides, int[] shape, boolean[] squeezed) {
        int[] keptShape() {
            int n = 0;
            for (boolean s : squeezed) if (!s) n++;
            int[] out = new int[n];
            int j = 0;
            for (int i = 0; i < shape.length; i++) if (!squeezed[i]) out[j++] = shape[i];
            return out;
        }
    }

    /**
     * Python slice semantics per axis: negative begin/end count from the end and are clamped; a mask makes begin
     * (end) the first (last) element in the stride's direction; squeeze_mask takes the single element at begin.
     */
    private static View slice(OpArgs a, int[] shape) {
        int rank = shape.length;
        int[] begin = a.intList("begin");
        int[] end = a.intList("end");
        int[] ones = new int[rank];
        Arrays.fill(ones, 1);
        int[] stride = a.intList("stride", ones);
        if (begin.length != rank || end.length != rank || stride.length != rank) {
            throw a.fail("begin/end/stride need " + rank + " entries, got " + begin.length + "/" + end.length + "/" + stride.length);
        }
        boolean[] beginMask = a.boolList("begin_mask", rank);
        boolean[] endMask = a.boolList("end_mask", rank);
        boolean[] squeeze = a.boolList("squeeze_mask", rank);
        int[] base = Shapes.strides(shape);
        int offset = 0;
        int[] strides = new int[rank];
        int[] counts = new int[rank];
        for (int i = 0; i < rank; i++) {
            int d = shape[i];
            int s = stride[i];
            if (s == 0) throw a.fail("stride 0 on axis " + i);
            int b;
            int count;
            if (squeeze[i]) {
                b = begin[i] < 0 ? begin[i] + d : begin[i];
                if (b < 0 || b >= d) throw a.fail("squeezed index " + begin[i] + " outside axis " + i + " of size " + d);
                count = 1;
            } else if (s > 0) {
                b = beginMask[i] ? 0 : clamp(begin[i] < 0 ? begin[i] + d : begin[i], 0, d);
                int e = endMask[i] ? d : clamp(end[i] < 0 ? end[i] + d : end[i], 0, d);
                count = e > b ? (e - b + s - 1) / s : 0;
            } else {
                b = beginMask[i] ? d - 1 : clamp(begin[i] < 0 ? begin[i] + d : begin[i], -1, d - 1);
                int e = endMask[i] ? -1 : clamp(end[i] < 0 ? end[i] + d : end[i], -1, d - 1);
                count = b > e ? (b - e - s - 1) / -s : 0;
            }
            if (count > 0) offset += b * base[i];
            strides[i] = base[i] * s;
            counts[i] = count;
        }
        return new View(offset, strides, counts, squeeze);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The view slice_by_index op {@code a} reads of its {@code x}, without copying it. */
    static View sliceView(OpArgs a, NdArray x) {
        return slice(a, x.shape());
    }

    private static NdArray sliceByIndex(OpArgs a) {
        NdArray x = a.tensor("x");
        View v = slice(a, x.shape());
        return Strided.gather(x, v.offset(), v.strides(), v.shape()).reshape(v.keptShape());
    }

    private static NdArray sliceBySize(OpArgs a) {
        NdArray x = a.tensor("x");
        int[] shape = x.shape();
        int[] begin = a.intList("begin");
        int[] size = a.intList("size");
        if (begin.length != shape.length || size.length != shape.length) {
            throw a.fail("begin/size need " + shape.length + " entries");
        }
        int[] strides = Shapes.strides(shape);
        int offset = 0;
        int[] counts = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            int b = begin[i] < 0 ? begin[i] + shape[i] : begin[i];
            int n = size[i] == -1 ? shape[i] - b : size[i];
            if (b < 0 || n < 0 || b + n > shape[i]) {
                throw a.fail("axis " + i + ": begin " + begin[i] + " size " + size[i] + " outside " + shape[i]);
            }
            offset += b * strides[i];
            counts[i] = n;
        }
        return Strided.gather(x, offset, strides, counts);
    }

    /** x with the slice that slice_by_index would read replaced by {@code update}. */
    private static NdArray sliceUpdate(OpArgs a) {
        NdArray x = a.tensor("x");
        NdArray update = a.tensor("update");
        View v = slice(a, x.shape());
        if (Shapes.size(v.shape()) != update.size() || x.isFloat() != update.isFloat()) {
            throw a.fail("update " + update + " does not fit slice " + Arrays.toString(v.keptShape()) + " of " + x);
        }
        if (x.isFloat()) {
            float[] out = x.floats().clone();
            Strided.scatter(update.floats(), out, v.offset(), v.strides(), v.shape());
            return NdArray.f32(x.shape(), out);
        }
        int[] out = x.ints().clone();
        Strided.scatter(update.ints(), out, v.offset(), v.strides(), v.shape());
        return Strided.withInts(x, x.shape(), out);
    }

    /** Output {@code x.shape[:axis] + indices.shape[batch_dims:] + x.shape[axis+1:]}; negative indices count from the end. */
    private static NdArray gather(OpArgs a) {
        NdArray x = a.tensor("x");
        NdArray indices = a.tensor("indices");
        if (indices.isFloat()) throw a.fail("indices must be integers, got " + indices);
        int rank = x.rank();
        int axis = a.axis(a.intValue("axis", 0), rank);
        int batchDims = a.intValue("batch_dims", 0);
        int[] xs = x.shape();
        int[] is = indices.shape();
        if (batchDims < 0 || batchDims > axis || batchDims > is.length) throw a.fail("batch_dims " + batchDims + " invalid");
        for (int i = 0; i < batchDims; i++) {
            if (xs[i] != is[i]) throw a.fail("batch dim " + i + " differs: x " + x + ", indices " + indices);
        }
        int batch = Shapes.product(xs, 0, batchDims);
        int pre = Shapes.product(xs, batchDims, axis);
        int d = xs[axis];
        int inner = Shapes.product(xs, axis + 1, rank);
        int perBatch = Shapes.product(is, batchDims, is.length);
        int[] outShape = new int[axis + (is.length - batchDims) + (rank - axis - 1)];
        int j = 0;
        for (int i = 0; i < axis; i++) outShape[j++] = xs[i];
        for (int i = batchDims; i < is.length; i++) outShape[j++] = is[i];
        for (int i = axis + 1; i < rank; i++) outShape[j++] = xs[i];
        int[] idx = indices.ints();
        float[] fo = x.isFloat() ? new float[Shapes.size(outShape)] : null;
        int[] io = x.isFloat() ? null : new int[Shapes.size(outShape)];
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < pre; p++) {
                for (int q = 0; q < perBatch; q++) {
                    int k = idx[b * perBatch + q];
                    int kk = k < 0 ? k + d : k;
                    if (kk < 0 || kk >= d) throw a.fail("index " + k + " out of range for axis " + axis + " of size " + d);
                    int src = ((b * pre + p) * d + kk) * inner;
                    int dst = ((b * pre + p) * perBatch + q) * inner;
                    if (fo != null) System.arraycopy(x.floats(), src, fo, dst, inner);
                    else System.arraycopy(x.ints(), src, io, dst, inner);
                }
            }
        }
        return fo != null ? Strided.withFloats(x, outShape, fo) : Strided.withInts(x, outShape, io);
    }

    private static NdArray gatherAlongAxis(OpArgs a) {
        NdArray x = a.tensor("x");
        NdArray indices = a.tensor("indices");
        int rank = x.rank();
        int axis = a.axis(a.intValue("axis", 0), rank);
        int[] xs = x.shape();
        int[] is = indices.shape();
        if (is.length != rank) throw a.fail("indices " + indices + " must have the rank of x " + x);
        for (int i = 0; i < rank; i++) {
            if (i != axis && is[i] != xs[i]) throw a.fail("indices " + indices + " and x " + x + " differ on axis " + i);
        }
        int outer = Shapes.product(is, 0, axis);
        int n = is[axis];
        int inner = Shapes.product(is, axis + 1, rank);
        int d = xs[axis];
        int[] idx = indices.ints();
        float[] fo = x.isFloat() ? new float[indices.size()] : null;
        int[] io = x.isFloat() ? null : new int[indices.size()];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < n; k++) {
                for (int i = 0; i < inner; i++) {
                    int pos = (o * n + k) * inner + i;
                    int kk = idx[pos] < 0 ? idx[pos] + d : idx[pos];
                    if (kk < 0 || kk >= d) throw a.fail("index " + idx[pos] + " out of range for axis of size " + d);
                    int src = (o * d + kk) * inner + i;
                    if (fo != null) fo[pos] = x.floats()[src];
                    else io[pos] = x.ints()[src];
                }
            }
        }
        return fo != null ? Strided.withFloats(x, is, fo) : Strided.withInts(x, is, io);
    }

    /**
     * The k largest (or smallest) values along {@code axis} with their int32 indices, sorted; equal values keep index
     * order and NaN ranks above every number.
     */
    private static List<NdArray> topk(OpArgs a) {
        NdArray x = a.tensor("x");
        int rank = x.rank();
        int axis = a.axis(a.intValue("axis", -1), rank);
        int k = a.intValue("k", 1);
        boolean ascending = a.boolValue("ascending", false);
        boolean returnIndices = a.boolValue("return_indices", true);
        int[] shape = x.shape();
        int n = shape[axis];
        if (k < 1 || k > n) throw a.fail("k " + k + " outside 1.." + n);
        int outer = Shapes.product(shape, 0, axis);
        int inner = Shapes.product(shape, axis + 1, rank);
        int[] outShape = shape.clone();
        outShape[axis] = k;
        float[] fo = new float[outer * k * inner];
        int[] vo = new int[outer * k * inner];
        int[] io = new int[outer * k * inner];
        float[] xf = x.isFloat() ? x.floats() : null;
        int[] xi = x.isFloat() ? null : x.ints();
        // one primitive sort per row: the rank of each value in the high 32 bits (inverted for largest-first), its
        // index in the low ones, so equal values keep index order (the rollout's sampling runs this every depth step)
        long[] keys = new long[n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int j = 0; j < n; j++) {
                    int src = base + j * inner;
                    int order = xf != null ? orderedBits(xf[src]) : xi[src];
                    keys[j] = (long) (ascending ? order : ~order) << 32 | j;
                }
                Arrays.sort(keys);
                for (int j = 0; j < k; j++) {
                    int index = (int) keys[j];
                    int src = base + index * inner;
                    int dst = (o * k + j) * inner + i;
                    if (xf != null) fo[dst] = xf[src];
                    else vo[dst] = xi[src];
                    io[dst] = index;
                }
            }
        }
        NdArray values = x.isFloat() ? Strided.withFloats(x, outShape, fo) : Strided.withInts(x, outShape, vo);
        return returnIndices ? List.of(values, NdArray.i32(outShape, io)) : List.of(values);
    }

    /**
     * An int whose signed order is {@link Float#compare}'s order of the floats: -0 below +0, every NaN equal and above
     * +infinity (NaNs are collapsed to one pattern first).
     */
    static int orderedBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** {@code x[begin:end:stride]} per axis (positive strides; {@code stride} null means 1). */
    public static TensorType sliceByIndexType(Var x, int[] begin, int[] end, int[] stride) {
        TensorType t = x.tensorType();
        if (begin.length != t.rank() || end.length != t.rank() || (stride != null && stride.length != t.rank())) {
            throw fail((stride == null ? "begin/end" : "begin/end/stride") + " length must equal rank " + t.rank());
        }
        long[] dims = new long[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            int s = stride == null ? 1 : stride[i];
            if (s < 1) throw fail("axis " + i + " stride " + s + " must be >= 1");
            long[] be = TypeRules.range(i, begin[i], end[i], t);
            dims[i] = (be[1] - be[0] + s - 1) / s;
        }
        return t.withShape(dims);
    }

    /** {@code x[begin : begin + size]} per axis; a size of -1 runs to the end of the axis. */
    public static TensorType sliceBySizeType(Var x, int[] begin, int[] size) {
        TensorType t = x.tensorType();
        if (begin.length != t.rank() || size.length != t.rank()) {
            throw fail("begin/size length must equal rank " + t.rank());
        }
        long[] dims = new long[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            long b = begin[i] < 0 ? begin[i] + t.dim(i) : begin[i];
            long n = size[i] == -1 ? t.dim(i) - b : size[i];
            if (b < 0 || n < 0 || b + n > t.dim(i)) {
                throw fail("axis " + i + " begin " + begin[i] + " size " + size[i] + " outside " + t);
            }
            dims[i] = n;
        }
        return t.withShape(dims);
    }

    /** x with {@code x[begin:end]} replaced by {@code update} of exactly that slice's shape; x's type. */
    public static TensorType sliceUpdateType(Var x, Var update, int[] begin, int[] end) {
        TensorType t = x.tensorType();
        TypeRules.requireSameDtype(x, update);
        if (begin.length != t.rank() || end.length != t.rank()) {
            throw fail("begin/end length must equal rank " + t.rank());
        }
        long[] dims = new long[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            long[] be = TypeRules.range(i, begin[i], end[i], t);
            dims[i] = be[1] - be[0];
        }
        if (!update.tensorType().shape().equals(t.withShape(dims).shape())) {
            throw fail("update " + update.tensorType() + " != slice shape " + Arrays.toString(dims));
        }
        return t;
    }

    /** int32 indices of x's rank, equal to x off {@code axis}; output has the indices' shape and x's dtype. */
    public static TensorType gatherAlongAxisType(Var x, Var indices, int axis) {
        TensorType t = x.tensorType();
        TensorType ti = indices.tensorType();
        TypeRules.requireDtype(indices, DataType.INT32);
        int ax = TypeRules.axis(axis, t.rank());
        if (ti.rank() != t.rank()) throw fail("indices " + ti + " rank != x rank " + t);
        for (int i = 0; i < t.rank(); i++) {
            if (i != ax && ti.dim(i) != t.dim(i)) {
                throw fail("indices " + ti + " differ from x " + t + " off axis " + ax);
            }
        }
        return ti.withDataType(t.dataType());
    }

    /** Slices of x along {@code axis} at int32 indices: the axis replaced by the indices' shape. */
    public static TensorType gatherType(Var x, Var indices, int axis) {
        TensorType t = x.tensorType();
        TypeRules.requireDtype(indices, DataType.INT32);
        int ax = TypeRules.axis(axis, t.rank());
        java.util.List<Long> shape = new java.util.ArrayList<>(t.shape().subList(0, ax));
        shape.addAll(indices.tensorType().shape());
        shape.addAll(t.shape().subList(ax + 1, t.rank()));
        return new TensorType(t.dataType(), shape);
    }

    /** Values (x's dtype) and int32 indices, {@code axis} cut to k. */
    public static java.util.List<TensorType> topkTypes(Var x, int k, int axis) {
        TensorType t = x.tensorType();
        int ax = TypeRules.axis(axis, t.rank());
        if (k < 1 || k > t.dim(ax)) throw fail("k " + k + " outside 1.." + t.dim(ax));
        long[] dims = t.dims();
        dims[ax] = k;
        return java.util.List.of(t.withShape(dims), TensorType.of(DataType.INT32, dims));
    }
}
