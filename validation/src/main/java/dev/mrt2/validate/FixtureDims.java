package dev.mrt2.validate;

import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.TensorFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The model dimensions a fixtures folder was made for, and the check that every member of every file agrees with
 * them. A dimension is taken from our manifest where it states it (the codebook table's shape gives L, C and E),
 * else from the majority of the members that measure it (D by most of them), so a damaged member is outvoted and
 * named, instead of the first member read setting the size the others are held to. Frame counts are per file. A
 * folder that passes is consistent as a whole: a package of other widths then faces fixtures of another model size,
 * not a damaged file.
 */
final class FixtureDims {
    /** Where {@link #of} read a dimension from our manifest. */
    private static final String MANIFEST_SOURCE = FixtureFiles.MANIFEST + " 'codebooks'";

    private final Map<String, Integer> values;
    private final Map<String, String> stated;
    private final Map<String, List<Vote>> votes;

    /** One member's measure of a dimension: the value its shape implies, or -1 when none does. */
    private record Vote(String where, int value) {}

    private FixtureDims(Map<String, Integer> values, Map<String, String> stated, Map<String, List<Vote>> votes) {
        this.values = values;
        this.stated = stated;
        this.votes = votes;
    }

    /**
     * Checks every member's kind and rank, resolves the dimensions, then checks every member's shape against them,
     * in reading order; the first member that disagrees fails with one line naming its file and member, its shape,
     * the shape it should have and why.
     *
     * @param manifest our manifest, or null (the published set has none)
     */
    static FixtureDims of(List<FixtureFile> files, FixtureManifest manifest) {
        for (FixtureFile f : files) {
            for (FixtureLayout.Member m : f.layout()) {
                NdArray a = f.get(m.name());
                if (a.kind() != m.kind() || a.rank() != m.axes().size()) {
                    throw TensorFileException.of(f.where(m.name()), "is " + a + ", expected " + m.symbolicShape());
                }
            }
        }
        Map<String, String> stated = new HashMap<>();
        Map<String, Integer> values = new HashMap<>();
        if (manifest != null && manifest.codebooks() != null) {
            List<Long> shape = manifest.codebooks().shape();
            String[] dims = {FixtureLayout.L, FixtureLayout.C, FixtureLayout.E};
            for (int i = 0; i < dims.length; i++) {
                values.put(dims[i], Math.toIntExact(shape.get(i)));
                stated.put(dims[i], MANIFEST_SOURCE);
            }
        }
        Map<String, List<Vote>> votes = new LinkedHashMap<>();
        for (FixtureFile f : files) {
            for (FixtureLayout.Member m : f.layout()) {
                int[] shape = f.get(m.name()).shape();
                for (int i = 0; i < shape.length; i++) {
                    FixtureLayout.Axis axis = m.axes().get(i);
                    if (axis.dim() != null) {
                        votes.computeIfAbsent(key(f, axis.dim()), k -> new ArrayList<>())
                                .add(new Vote(f.where(m.name()), axis.implied(shape, i)));
                    }
                }
            }
        }
        votes.forEach((key, list) -> {
            if (!values.containsKey(key)) {
                majority(list).ifPresent(v -> values.put(key, v));
            }
        });
        FixtureDims dims = new FixtureDims(values, stated, votes);
        files.forEach(dims::check);
        return dims;
    }

    /** A dimension shared by the folder (D, S, L, C, E), or null when no member measures it. */
    Integer shared(String dim) {
        return values.get(dim);
    }

    private static String key(FixtureFile f, String dim) {
        return FixtureLayout.perFile(dim) ? f.name() + "/" + dim : dim;
    }

    /** The value most members imply (ties: the one read first); empty when none implies a whole value. */
    private static OptionalInt majority(List<Vote> list) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        list.stream().filter(v -> v.value() >= 1).forEach(v -> counts.merge(v.value(), 1, Integer::sum));
        int best = -1;
        int bestCount = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return bestCount == 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    private void check(FixtureFile f) {
        for (FixtureLayout.Member m : f.layout()) {
            NdArray a = f.get(m.name());
            int[] shape = a.shape();
            int[] want = new int[shape.length];
            int wrong = -1;
            for (int i = 0; i < shape.length; i++) {
                want[i] = expected(f, m.axes().get(i));
                if (wrong < 0 && want[i] != shape[i]) {
                    wrong = i;
                }
            }
            if (wrong >= 0) {
                throw TensorFileException.of(f.where(m.name()), "is " + a + ", expected "
                        + a.kind().name().toLowerCase(Locale.ROOT) + shapeText(m, want) + " ("
                        + reason(f, m, shape, wrong) + ")");
            }
        }
    }

    /** The axis length the resolved dimensions give, or -1 when one of them is unknown. */
    private int expected(FixtureFile f, FixtureLayout.Axis axis) {
        if (axis.dim() == null) {
            return axis.offset();
        }
        Integer v = values.get(key(f, axis.dim()));
        Integer scale = axis.scaleDim() == null ? Integer.valueOf(axis.scale()) : values.get(key(f, axis.scaleDim()));
        return v == null || scale == null ? -1 : axis.offset() + scale * v;
    }

    private static String shapeText(FixtureLayout.Member m, int[] want) {
        List<String> dims = new ArrayList<>();
        for (int i = 0; i < want.length; i++) {
            dims.add(want[i] < 0 ? m.axes().get(i).label() : Integer.toString(want[i]));
        }
        return dims.toString();
    }

    private String reason(FixtureFile f, FixtureLayout.Member m, int[] shape, int i) {
        FixtureLayout.Axis axis = m.axes().get(i);
        String head = "axis " + i + " is ";
        if (axis.dim() == null) {
            return head + axis.why();
        }
        List<String> dims = new ArrayList<>(List.of(axis.dim()));
        if (axis.scaleDim() != null) {
            dims.add(0, axis.scaleDim());
        }
        List<String> known = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (String dim : dims) {
            Integer v = values.get(key(f, dim));
            if (v == null) {
                return head + shape[i] + ", which is not " + axis.label() + " for any whole " + dim + " >= 1";
            }
            known.add(FixtureLayout.describe(dim) + " = " + v);
            sources.add(source(f, dim, v, f.where(m.name())));
        }
        String what = axis.label().equals(axis.dim()) ? "" : axis.label() + " with ";
        if (sources.stream().distinct().count() == 1) {
            return head + what + String.join(" and ", known) + sources.get(0);
        }
        List<String> each = new ArrayList<>();
        for (int k = 0; k < known.size(); k++) {
            each.add(known.get(k) + sources.get(k));
        }
        return head + what + String.join("; ", each);
    }

    /** Why the folder's value of {@code dim} is {@code v}: our manifest says so, or other members do. */
    private String source(FixtureFile f, String dim, int v, String blamed) {
        String key = key(f, dim);
        if (stated.containsKey(key)) {
            return ", as " + stated.get(key) + " says";
        }
        List<String> agree = votes.getOrDefault(key, List.of()).stream()
                .filter(x -> x.value() == v && !x.where().equals(blamed)).map(Vote::where).toList();
        if (agree.isEmpty()) {
            return "";
        }
        return agree.size() == 1 ? ", as " + agree.get(0) + " says" : ", as " + agree.size() + " other members say";
    }
}
