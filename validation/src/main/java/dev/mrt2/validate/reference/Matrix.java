package dev.mrt2.validate.reference;

import java.util.Arrays;

/**
 * A row-major {@code [rows, cols]} matrix held at {@code offset} in a larger array. The reference keeps all of a
 * layer's matrices in one array ({@link Slab}): the JVM's G1 collector gives every array of half a region or more
 * whole regions of its own, so a 4 MiB matrix and its header would take five 1 MiB regions, a quarter more heap than
 * its values (912 MB of heap for the 730 MB of temporal weights).
 */
public record Matrix(float[] data, int offset, int rows, int cols) {
    public Matrix {
        if (rows < 0 || cols < 0 || offset < 0 || offset + (long) rows * cols > data.length) {
            throw new IllegalArgumentException("[" + rows + ", " + cols + "] at " + offset + " does not fit in "
                    + data.length + " values");
        }
    }

    /** The whole of {@code values} as {@code [rows, cols]}. */
    public static Matrix of(float[] values, int rows, int cols) {
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException(values.length + " values are not [" + rows + ", " + cols + "]");
        }
        return new Matrix(values, 0, rows, cols);
    }

    /** Element {@code (r, c)}. */
    public float at(int r, int c) {
        return data[offset + r * cols + c];
    }

    /** The values in a new array of their own. */
    public float[] copy() {
        return Arrays.copyOfRange(data, offset, offset + rows * cols);
    }
}
