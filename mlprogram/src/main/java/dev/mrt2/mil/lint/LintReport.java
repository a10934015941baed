package dev.mrt2.mil.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Neural Engine hazards of one package: findings sorted by rule id, each rule's findings in program order.
 * {@code path} is the package as given (empty for a model linted in memory).
 */
public record LintReport(String path, int operationCount, List<Finding> findings) {
    public LintReport {
        path = path == null ? "" : path;
        findings = List.copyOf(findings);
    }

    public long warnings() {
        return findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
    }

    public long infos() {
        return findings.stream().filter(f -> f.severity() == Severity.INFO).count();
    }

    public boolean hasWarnings() {
        return warnings() > 0;
    }

    /** The findings of one rule id, in report order. */
    public List<Finding> findings(String rule) {
        return findings.stream().filter(f -> f.rule().equals(rule)).toList();
    }

    /**
     * For people: one block per finding (severity, rule, message; the ops; why) and a count line. At most
     * {@code maxOps} op names per finding, then {@code ... (+N more)}; 0 shows them all.
     */
    public String toText(int maxOps) {
        StringBuilder out = new StringBuilder();
        if (!path.isEmpty()) {
            out.append("package ").append(path).append('\n');
        }
        for (Finding f : findings) {
            out.append(f.severity().label()).append(' ').append(f.rule()).append(": ").append(f.message()).append('\n');
            if (!f.ops().isEmpty()) {
                out.append("  ops (").append(f.ops().size()).append("): ").append(shown(f.ops(), maxOps)).append('\n');
            }
            out.append("  why: ").append(f.why()).append('\n');
        }
        out.append(findings.isEmpty() ? "no Neural Engine hazards found"
                : OpTypes.count(warnings(), "warning") + ", " + infos() + " info");
        out.append(" (").append(OpTypes.count(operationCount, "op")).append(" checked)\n");
        return out.toString();
    }

    private static String shown(List<String> ops, int maxOps) {
        if (maxOps <= 0 || ops.size() <= maxOps) {
            return String.join(", ", ops);
        }
        return String.join(", ", ops.subList(0, maxOps)) + ", ... (+" + (ops.size() - maxOps) + " more)";
    }

    /** For tools: plain maps and lists (snake_case keys) that a sorted JSON writer prints; every op listed. */
    public SortedMap<String, Object> toMap() {
        List<Object> items = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("rule", f.rule());
            item.put("severity", f.severity().label());
            item.put("message", f.message());
            item.put("ops", f.ops());
            item.put("op_count", f.ops().size());
            item.put("figures", f.figures());
            item.put("why", f.why());
            items.add(new TreeMap<>(item));
        }
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("package", path);
        m.put("operations", operationCount);
        m.put("warnings", warnings());
        m.put("infos", infos());
        m.put("findings", items);
        return m;
    }
}
