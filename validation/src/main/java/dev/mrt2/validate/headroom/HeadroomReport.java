package dev.mrt2.validate.headroom;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The FP16 headroom of every op of one package that produced fp16 values over the validation inputs, least headroom
 * first (then by op name), for the validation receipt and the summary.
 *
 * @param ops one row per op, sorted by {@link OpHeadroom#LEAST_HEADROOM_FIRST}
 */
public record HeadroomReport(List<OpHeadroom> ops) {
    /** How many rows the summary and the markdown receipt show. */
    public static final int SUMMARY_OPS = 3;

    public HeadroomReport {
        List<OpHeadroom> sorted = new ArrayList<>(ops);
        sorted.sort(OpHeadroom.LEAST_HEADROOM_FIRST);
        ops = List.copyOf(sorted);
    }

    /** The {@code n} ops with the least headroom (fewer when the package has fewer). */
    public List<OpHeadroom> worst(int n) {
        return ops.subList(0, Math.min(n, ops.size()));
    }

    public long flaggedOps() {
        return ops.stream().filter(OpHeadroom::flagged).count();
    }

    /** The receipt's {@code fp16_headroom} section: the limit, counts and the full table. */
    public Map<String, Object> json() {
        Map<String, Object> m = new TreeMap<>();
        m.put("limit", OpHeadroom.FP16_MAX);
        m.put("ops_observed", ops.size());
        m.put("flagged_ops", flaggedOps());
        m.put("ops", ops);
        return m;
    }

    /** The summary block: a heading line, then one line per op with the least headroom. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        if (ops.isEmpty()) {
            lines.add("fp16 headroom: no fp16 op output was observed");
            return lines;
        }
        lines.add("fp16 headroom below " + (int) OpHeadroom.FP16_MAX + ", least of " + ops.size() + " ops"
                + (flaggedOps() > 0 ? " (" + flaggedOps() + " flagged non-finite)" : "") + ":");
        worst(SUMMARY_OPS).forEach(o -> lines.add("  " + o.line()));
        return lines;
    }
}
