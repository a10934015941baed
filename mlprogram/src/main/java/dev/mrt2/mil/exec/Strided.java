package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;

/**
 * Copies between a contiguous array of {@code shape} and an arbitrary strided view of another array:
 * element {@code (i0, …, ik)} of the view lives at {@code offset + Σ ij·strides[j]}. Transpose, slice, broadcast
 * (stride 0) and matmul operand layouts are all such views.
 */
final class Strided {
    private Strided() {}

    /** A contiguous copy of the view, with the kind of {@code src}. */
    static NdArray gather(NdArray src, int offset, int[] strides, int[] shape) {
        int n = Shapes.size(shape);
        if (src.isFloat()) {
            float[] out = new float[n];
            gather(src.floats(), offset, strides, shape, out);
            return withFloats(src, shape, out);
        }
        int[] out = new int[n];
        gather(src.ints(), offset, strides, shape, out);
        return withInts(src, shape, out);
    }

    static void gather(float[] src, int offset, int[] strides, int[] shape, float[] dst) {
        gather(src, offset, strides, shape, dst, 0);
    }

    /** The view's elements in order into {@code dst} from index {@code dstPos} on. */
    static void gather(float[] src, int offset, int[] strides, int[] shape, float[] dst, int dstPos) {
        if (Shapes.size(shape) == 0) {
            return;
        }
        int[][] simple = simplify(strides, shape);
        gatherAxis(src, offset, simple[0], simple[1], dst, 0, dstPos);
    }

    /** Recurses over the outer axes; the last two axes are one loop nest, so small inner axes cost no calls. */
    private static int gatherAxis(float[] src, int offset, int[] strides, int[] shape, float[] dst, int axis, int pos) {
        int rank = shape.length;
        if (axis == rank - 1) {
            return gatherRun(src, offset, strides[axis], shape[axis], dst, pos);
        }
        if (axis == rank - 2) {
            int n = shape[axis];
            int stride = strides[axis];
            int inner = shape[rank - 1];
            int innerStride = strides[rank - 1];
            if (innerStride == 0 && inner < 16) {
                return repeatEach(src, offset, stride, n, inner, dst, pos);
            }
            for (int i = 0; i < n; i++) {
                pos = gatherRun(src, offset + i * stride, innerStride, inner, dst, pos);
            }
            return pos;
        }
        for (int i = 0; i < shape[axis]; i++) {
            pos = gatherAxis(src, offset + i * strides[axis], strides, shape, dst, axis + 1, pos);
        }
        return pos;
    }

    /**
     * {@code n} elements {@code stride} apart, each written {@code times} times in a row: a nearest-neighbour upsample
     * of the last axis (tile after expand_dims), where a run per element cost more than the copying.
     */
    private static int repeatEach(float[] src, int offset, int stride, int n, int times, float[] dst, int pos) {
        if (times == 2) {
            for (int i = 0; i < n; i++) {
                float v = src[offset + i * stride];
                dst[pos] = v;
                dst[pos + 1] = v;
                pos += 2;
            }
            return pos;
        }
        for (int i = 0; i < n; i++) {
            float v = src[offset + i * stride];
            for (int j = 0; j < times; j++) {
                dst[pos + j] = v;
            }
            pos += times;
        }
        return pos;
    }

    private static int gatherRun(float[] src, int offset, int stride, int n, float[] dst, int pos) {
        if (n >= 16 && stride == 1) {
            System.arraycopy(src, offset, dst, pos, n);
        } else if (stride == 0) {
            float v = src[offset];
            for (int i = 0; i < n; i++) {
                dst[pos + i] = v;
            }
        } else {
            for (int i = 0; i < n; i++) {
                dst[pos + i] = src[offset + i * stride];
            }
        }
        return pos + n;
    }

    static void gather(int[] src, int offset, int[] strides, int[] shape, int[] dst) {
        if (dst.length == 0) {
            return;
        }
        int[][] simple = simplify(strides, shape);
        gatherAxis(src, offset, simple[0], simple[1], dst, 0, 0);
    }

    private static int gatherAxis(int[] src, int offset, int[] strides, int[] shape, int[] dst, int axis, int pos) {
        int n = shape[axis];
        int stride = strides[axis];
        if (axis == shape.length - 1) {
            for (int i = 0; i < n; i++) {
                dst[pos + i] = src[offset + i * stride];
            }
            return pos + n;
        }
        for (int i = 0; i < n; i++) {
            pos = gatherAxis(src, offset + i * stride, strides, shape, dst, axis + 1, pos);
        }
        return pos;
    }

    /**
     * The same view with fewer axes: size-1 axes dropped, and neighbours merged where the outer one steps exactly
     * over the inner one ({@code stride[i] == stride[i+1] · shape[i+1]}, which includes two broadcast axes). Returns
     * {strides, shape}, at least one axis.
     */
    static int[][] simplify(int[] strides, int[] shape) {
        int[] st = new int[Math.max(1, shape.length)];
        int[] sh = new int[st.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (n > 0 && st[n - 1] == strides[i] * shape[i]) {
                sh[n - 1] *= shape[i];
                st[n - 1] = strides[i];
            } else {
                st[n] = strides[i];
                sh[n] = shape[i];
                n++;
            }
        }
        if (n == 0) {
            return new int[][] {{0}, {1}};
        }
        return new int[][] {java.util.Arrays.copyOf(st, n), java.util.Arrays.copyOf(sh, n)};
    }

    /** Writes contiguous {@code src} of {@code shape} into the strided view of {@code dst} (the inverse of gather). */
    static void scatter(float[] src, float[] dst, int offset, int[] strides, int[] shape) {
        if (src.length == 0) {
            return;
        }
        int[][] simple = simplify(strides, shape);
        scatterAxis(src, dst, offset, simple[0], simple[1], 0, 0);
    }

    private static int scatterAxis(float[] src, float[] dst, int offset, int[] strides, int[] shape, int axis, int pos) {
        int n = shape[axis];
        int stride = strides[axis];
        if (axis == shape.length - 1) {
            if (n >= 16 && stride == 1) {
                System.arraycopy(src, pos, dst, offset, n);
            } else {
                for (int i = 0; i < n; i++) {
                    dst[offset + i * stride] = src[pos + i];
                }
            }
            return pos + n;
        }
        for (int i = 0; i < n; i++) {
            pos = scatterAxis(src, dst, offset + i * stride, strides, shape, axis + 1, pos);
        }
        return pos;
    }

    static void scatter(int[] src, int[] dst, int offset, int[] strides, int[] shape) {
        if (src.length == 0) {
            return;
        }
        if (shape.length == 0) {
            dst[offset] = src[0];
            return;
        }
        scatterAxis(src, dst, offset, strides, shape, 0, 0);
    }

    private static int scatterAxis(int[] src, int[] dst, int offset, int[] strides, int[] shape, int axis, int pos) {
        int n = shape[axis];
        int stride = strides[axis];
        if (axis == shape.length - 1) {
            for (int i = 0; i < n; i++) {
                dst[offset + i * stride] = src[pos + i];
            }
            return pos + n;
        }
        for (int i = 0; i < n; i++) {
            pos = scatterAxis(src, dst, offset + i * stride, strides, shape, axis + 1, pos);
        }
        return pos;
    }

    /** Strides that read {@code src} (of {@code shape}) broadcast to {@code outShape} (right-aligned, 0 where repeated). */
    static int[] broadcastStrides(int[] shape, int[] outShape) {
        int[] s = Shapes.strides(shape);
        int[] out = new int[outShape.length];
        int shift = outShape.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            out[i + shift] = shape[i] == 1 && outShape[i + shift] != 1 ? 0 : s[i];
        }
        return out;
    }

    /** {@code x} broadcast to {@code outShape} as a contiguous array (x's own values when only unit axes differ). */
    static NdArray broadcastTo(NdArray x, int[] outShape) {
        if (java.util.Arrays.equals(x.shape(), outShape)) {
            return x;
        }
        int n = Shapes.size(outShape);
        if (x.size() == n) {
            return x.reshape(outShape);      // only unit axes differ, so the values are already in order
        }
        if (x.size() == 1 && x.isFloat()) {
            float[] filled = new float[n];   // one value everywhere (a norm's scalar divisor)
            java.util.Arrays.fill(filled, x.floats()[0]);
            return withFloats(x, outShape, filled);
        }
        return gather(x, 0, broadcastStrides(x.shape(), outShape), outShape);
    }

    /** A new array of {@code like}'s kind (float kinds only); F16 data must already be binary16 values. */
    static NdArray withFloats(NdArray like, int[] shape, float[] data) {
        return like.kind() == NdArray.Kind.F16 ? NdArray.f16Rounded(shape, data) : NdArray.f32(shape, data);
    }

    static NdArray withInts(NdArray like, int[] shape, int[] data) {
        return like.kind() == NdArray.Kind.BOOL ? NdArray.bool(shape, data) : NdArray.i32(shape, data);
    }
}
