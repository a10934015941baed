package dev.mrt2.mil.lint;

import dev.mrt2.mil.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Op lists as the findings report them: names, counts per op type, and groups per type. */
final class OpTypes {
    private OpTypes() {}

    static List<String> names(List<Operation> ops) {
        List<String> out = new ArrayList<>(ops.size());
        for (Operation op : ops) {
            out.add(op.name());
        }
        return out;
    }

    /** How many ops of each type, by type name. */
    static SortedMap<String, Long> histogram(List<Operation> ops) {
        TreeMap<String, Long> counts = new TreeMap<>();
        for (Operation op : ops) {
            counts.merge(op.type(), 1L, Long::sum);
        }
        return counts;
    }

    /** {@code add 10, linear 6}: a histogram as one phrase. */
    static String describe(SortedMap<String, Long> histogram) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Long> e : histogram.entrySet()) {
            out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        return out.toString();
    }

    /** The ops grouped by type, groups in program order of their first op, ops in program order. */
    static Map<String, List<Operation>> groups(List<Operation> ops) {
        Map<String, List<Operation>> groups = new LinkedHashMap<>();
        for (Operation op : ops) {
            groups.computeIfAbsent(op.type(), k -> new ArrayList<>()).add(op);
        }
        return groups;
    }

    /** {@code compute} for many, {@code computes} for one. */
    static String verb(long n, String plural) {
        return n == 1 ? plural + "s" : plural;
    }

    /** {@code 1 op}, {@code 3 ops}. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
