package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.TensorFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * The values a fixture member may hold, checked when the fixtures are read: a reference or input with a NaN or an
 * infinity, an id outside its level or a code outside the codebook is a damaged file (a bad input), and must not
 * reach a comparison where it would be blamed on the package. Runs after {@link FixtureDims}, whose codebook size
 * bounds ids and codes.
 */
final class FixtureValues {
    private FixtureValues() {}

    static void check(List<FixtureFile> files, FixtureDims dims) {
        Integer c = dims.shared(FixtureLayout.C);
        for (FixtureFile f : files) {
            for (FixtureLayout.Member m : f.layout()) {
                NdArray a = f.get(m.name());
                String where = f.where(m.name());
                switch (m.values()) {
                    case FINITE -> finite(a, where);
                    case TEMPERATURE -> temperature(a, where);
                    case UNIQUE_IDS -> {
                        if (c != null) {
                            uniqueIds(a, where, c);
                        }
                    }
                    case CODES -> {
                        if (c != null) {
                            codes(a, where, c);
                        }
                    }
                }
            }
        }
    }

    private static void finite(NdArray a, String where) {
        float[] v = a.floats();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw TensorFileException.of(where, "holds " + v[i] + " at " + index(a, i)
                        + " (a fixture's values must all be finite)");
            }
        }
    }

    private static void temperature(NdArray a, String where) {
        float t = a.floats()[0];
        if (!Float.isFinite(t) || t < 0) {
            throw TensorFileException.of(where, "holds " + t + ", not a temperature (finite, >= 0; 0 = argmax)");
        }
    }

    /** Column l of {@code [F, L]} holds level l's ids, {@code 6 + C l .. 6 + C (l + 1) - 1} (mrt2-model.md §8.3). */
    private static void uniqueIds(NdArray a, String where, int c) {
        int[] v = a.ints();
        int levels = a.dim(1);
        for (int i = 0; i < v.length; i++) {
            int level = i % levels;
            long first = Mrt2Constants.RESERVED_TOKENS + (long) c * level;
            if (v[i] < first || v[i] >= first + c) {
                throw TensorFileException.of(where, "holds " + v[i] + " at " + index(a, i) + ", not an id of level "
                        + level + " (" + first + ".." + (first + c - 1) + ": " + Mrt2Constants.RESERVED_TOKENS
                        + " + " + c + " level + code)");
            }
        }
    }

    private static void codes(NdArray a, String where, int c) {
        int[] v = a.ints();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= c) {
                throw TensorFileException.of(where, "holds " + v[i] + " at " + index(a, i) + ", not a code of a "
                        + c + "-entry codebook (0.." + (c - 1) + ")");
            }
        }
    }

    /** The flat position as a row-major index, e.g. {@code [0, 3, 7]}. */
    static String index(NdArray a, int flat) {
        int[] shape = a.shape();
        List<Integer> at = new ArrayList<>();
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            at.add(0, rest % shape[d]);
            rest /= shape[d];
        }
        return at.toString();
    }
}
