package dev.mrt2.tensor;

import dev.mrt2.safetensors.Float16;
import java.util.Arrays;
import java.util.Locale;

/**
 * A dense row-major tensor as the executor, the reference, the metrics and the npz I/O exchange it.
 * Floating kinds hold their values in {@code floats} (an F16 tensor holds values already rounded to binary16);
 * I32 and BOOL hold {@code ints} (BOOL as 0/1).
 */
public final class NdArray {
    public enum Kind { F32, F16, I32, BOOL }

    private final Kind kind;
    private final int[] shape;
    private final float[] floats;
    private final int[] ints;

    private NdArray(Kind kind, int[] shape, float[] floats, int[] ints) {
        this.kind = kind;
        this.shape = shape.clone();
        this.floats = floats;
        this.ints = ints;
        long n = size(shape);
        long have = floats != null ? floats.length : ints.length;
        if (n != have) {
            throw new IllegalArgumentException(have + " values for shape " + Arrays.toString(shape));
        }
    }

    public static NdArray f32(int[] shape, float[] data) {
        return new NdArray(Kind.F32, shape, data, null);
    }

    /** An F16 tensor; every value is rounded to binary16 (RNE, overflow to inf) on the way in. */
    public static NdArray f16(int[] shape, float[] data) {
        float[] rounded = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            rounded[i] = Float16.round(data[i]);
        }
        return new NdArray(Kind.F16, shape, rounded, null);
    }

    /**
     * An F16 tensor over values the caller has already rounded to binary16 (the executor's fast rounding path);
     * no copy and no second rounding, which would cost more than the op that produced them.
     */
    public static NdArray f16Rounded(int[] shape, float[] binary16Values) {
        return new NdArray(Kind.F16, shape, binary16Values, null);
    }

    public static NdArray i32(int[] shape, int[] data) {
        return new NdArray(Kind.I32, shape, null, data);
    }

    public static NdArray bool(int[] shape, int[] zeroOrOne) {
        return new NdArray(Kind.BOOL, shape, null, zeroOrOne);
    }

    public static NdArray zeros(Kind kind, int... shape) {
        int n = Math.toIntExact(size(shape));
        return kind == Kind.F32 || kind == Kind.F16
                ? new NdArray(kind, shape, new float[n], null)
                : new NdArray(kind, shape, null, new int[n]);
    }

    public Kind kind() {
        return kind;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    public int size() {
        return floats != null ? floats.length : ints.length;
    }

    public boolean isFloat() {
        return floats != null;
    }

    /** The backing float array (not a copy) of an F32/F16 tensor. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException(kind + " tensor has no float data");
        }
        return floats;
    }

    /** The backing int array (not a copy) of an I32/BOOL tensor. */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException(kind + " tensor has no int data");
        }
        return ints;
    }

    /** Values as float64 for metrics, whatever the kind. */
    public double[] toDoubles() {
        double[] out = new double[size()];
        if (floats != null) {
            for (int i = 0; i < out.length; i++) out[i] = floats[i];
        } else {
            for (int i = 0; i < out.length; i++) out[i] = ints[i];
        }
        return out;
    }

    public NdArray reshape(int... newShape) {
        return new NdArray(kind, newShape, floats, ints);
    }

    public NdArray copy() {
        return new NdArray(kind, shape, floats == null ? null : floats.clone(), ints == null ? null : ints.clone());
    }

    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + Arrays.toString(shape);
    }
}
