package dev.mrt2.tensor;

/**
 * An array with its axes in reverse order ({@code a.T} in NumPy), as a new C-order array. A Fortran-order NPY file
 * is the C-order array of its reversed shape, so this turns one into the array the header describes.
 */
final class ReversedAxes {
    private ReversedAxes() {}

    static NdArray of(NdArray a) {
        int[] in = a.shape();
        int rank = in.length;
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = in[rank - 1 - i];
        }
        int n = a.size();
        // the source offset of output element (j0 .. j_{r-1}) is Σ j_i · stride of input axis r-1-i
        int[] step = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            step[rank - 1 - i] = s;
            s *= in[i];
        }
        int[] from = new int[n];
        int[] index = new int[rank];
        int offset = 0;
        for (int k = 0; k < n; k++) {
            from[k] = offset;
            for (int axis = rank - 1; axis >= 0; axis--) {
                if (++index[axis] < out[axis]) {
                    offset += step[axis];
                    break;
                }
                offset -= (index[axis] - 1) * step[axis];
                index[axis] = 0;
            }
        }
        if (a.isFloat()) {
            float[] src = a.floats();
            float[] dst = new float[n];
            for (int k = 0; k < n; k++) {
                dst[k] = src[from[k]];
            }
            return a.kind() == NdArray.Kind.F16 ? NdArray.f16Rounded(out, dst) : NdArray.f32(out, dst);
        }
        int[] src = a.ints();
        int[] dst = new int[n];
        for (int k = 0; k < n; k++) {
            dst[k] = src[from[k]];
        }
        return a.kind() == NdArray.Kind.BOOL ? NdArray.bool(out, dst) : NdArray.i32(out, dst);
    }
}
