package dev.mrt2.validate;

import dev.mrt2.tensor.NdArray;
import java.util.Arrays;

/**
 * Conversions between the nested Java arrays the checks use and the {@link NdArray}s fixtures hold (shapes are
 * checked where the fixtures are read, {@link FixtureDims}).
 */
final class Tensors {
    private Tensors() {}

    /** {@code [n][w]} to an {@code NdArray} of the given shape (n * w elements). */
    static NdArray f32(int[] shape, float[][] rows) {
        return NdArray.f32(shape, PackageIo.flatten(rows));
    }

    static NdArray f32(int[] shape, float[][][] cube) {
        int b = cube[0].length;
        int w = cube[0][0].length;
        float[] v = new float[cube.length * b * w];
        for (int i = 0; i < cube.length; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(cube[i][j], 0, v, (i * b + j) * w, w);
            }
        }
        return NdArray.f32(shape, v);
    }

    static NdArray i32(int[][] rows) {
        int w = rows[0].length;
        int[] v = new int[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * w, w);
        }
        return NdArray.i32(new int[] {rows.length, w}, v);
    }

    /** The array as {@code [n][size / n]} rows. */
    static float[][] rows(NdArray a, int n) {
        float[] v = a.floats();
        int w = v.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(v, i * w, (i + 1) * w);
        }
        return out;
    }

    /** The array as {@code [n][m][size / (n m)]}. */
    static float[][][] cube(NdArray a, int n, int m) {
        float[] v = a.floats();
        int w = v.length / (n * m);
        float[][][] out = new float[n][m][];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                out[i][j] = Arrays.copyOfRange(v, (i * m + j) * w, (i * m + j + 1) * w);
            }
        }
        return out;
    }

    static int[][] intRows(NdArray a) {
        int n = a.dim(0);
        int w = a.size() / n;
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(a.ints(), i * w, (i + 1) * w);
        }
        return out;
    }
}
