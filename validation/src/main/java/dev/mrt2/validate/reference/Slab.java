package dev.mrt2.validate.reference;

/**
 * One array for a layer's matrices, handed out in order ({@link Matrix}): the heap then wastes at most one G1 region
 * on the layer instead of most of a region on each matrix.
 */
final class Slab {
    private final CheckpointReader reader;
    private final float[] values;
    private int next;

    /** @param floats the values of every matrix this slab will hold */
    Slab(CheckpointReader reader, long floats) {
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(floats + " values are more than one array holds");
        }
        this.reader = reader;
        this.values = new float[(int) floats];
    }

    /** {@code key}, checked to have {@code shape}, read as the matrix {@code [rows, cols]}. */
    Matrix read(String key, int rows, int cols, long... shape) {
        Matrix m = take(rows, cols);
        reader.readInto(key, values, m.offset(), shape);
        return m;
    }

    /** {@code key} read as {@code [rows, cols]} and held transposed, as {@code [cols, rows]}. */
    Matrix readTransposed(String key, int rows, int cols, long... shape) {
        float[] m = reader.read(key, shape);
        Matrix t = take(cols, rows);
        // in 32 x 32 tiles so reads and writes both stay in cache
        for (int r0 = 0; r0 < rows; r0 += 32) {
            for (int c0 = 0; c0 < cols; c0 += 32) {
                for (int r = r0; r < Math.min(rows, r0 + 32); r++) {
                    for (int c = c0; c < Math.min(cols, c0 + 32); c++) {
                        values[t.offset() + c * rows + r] = m[r * cols + c];
                    }
                }
            }
        }
        return t;
    }

    /** Checks that the matrices read fill the slab exactly (a wrong size would waste heap or cut a matrix short). */
    void requireFull() {
        if (next != values.length) {
            throw new IllegalStateException("slab of " + values.length + " values holds " + next);
        }
    }

    private Matrix take(int rows, int cols) {
        Matrix m = new Matrix(values, next, rows, cols);
        next += rows * cols;
        return m;
    }
}
