package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.TensorFileException;
import java.util.Arrays;

/**
 * Checks a seed-fixture array before {@link InputFactory} reuses it as an input: the kind and shape mrt2-model.md §8.3
 * gives it, and values an input may hold. A damaged or re-saved file (a float16 or narrower copy, fewer rows, a NaN)
 * is refused in one line naming the file and member, instead of failing as an index error or being silently padded
 * with zeros, rounded or cut while the provenance still names the seed's values.
 */
final class SeedArrays {
    private SeedArrays() {}

    /**
     * {@code a} as float32 of exactly {@code shape}, every value finite; -1 in {@code shape} is any length >= 1.
     *
     * @param where the file and member, as errors name them
     */
    static NdArray floats(String where, NdArray a, int... shape) {
        if (a.kind() != NdArray.Kind.F32 || !fits(a.shape(), shape)) {
            throw TensorFileException.of(where, "is " + a + ", expected f32" + text(shape)
                    + " to reuse it as an input (mrt2-model.md §8.3)");
        }
        float[] v = a.floats();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw TensorFileException.of(where, "holds " + v[i] + " at " + FixtureValues.index(a, i)
                        + " (an input's values must all be finite)");
            }
        }
        return a;
    }

    /**
     * {@code a} as int32 unique ids {@code [T, levels]} with at least {@code rows} rows, column l holding level l's
     * ids of a {@code codes}-entry codebook ({@code 6 + codes l + code}).
     */
    static NdArray ids(String where, NdArray a, int rows, int levels, int codes) {
        if (a.kind() != NdArray.Kind.I32 || a.rank() != 2 || a.dim(0) < rows || a.dim(1) != levels) {
            throw TensorFileException.of(where, "is " + a + ", expected i32[T >= " + rows + ", " + levels
                    + "] to reuse its first " + rows + " rows as codes (mrt2-model.md §8.3)");
        }
        int[] v = a.ints();
        for (int i = 0; i < rows * levels; i++) {
            int level = i % levels;
            long first = Mrt2Constants.RESERVED_TOKENS + (long) codes * level;
            if (v[i] < first || v[i] >= first + codes) {
                throw TensorFileException.of(where, "holds " + v[i] + " at " + FixtureValues.index(a, i)
                        + ", not an id of level " + level + " (" + first + ".." + (first + codes - 1) + ")");
            }
        }
        return a;
    }

    private static boolean fits(int[] have, int[] want) {
        if (have.length != want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i] >= 0 ? have[i] != want[i] : have[i] < 1) {
                return false;
            }
        }
        return true;
    }

    private static String text(int[] shape) {
        return Arrays.toString(Arrays.stream(shape).mapToObj(d -> d < 0 ? "N" : Integer.toString(d)).toArray());
    }
}
