package dev.mrt2.mil.lint;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One hazard: a stable rule id (e.g. {@code ANE001-state-write}), its severity, what was found, every op (or function
 * input) involved in program order, the numbers behind the message, and a one-line reason the rule exists.
 */
public record Finding(String rule, Severity severity, String message, List<String> ops,
                      SortedMap<String, Long> figures, String why) {
    public Finding {
        ops = List.copyOf(ops);
        figures = Collections.unmodifiableSortedMap(new TreeMap<>(figures == null ? Map.of() : figures));
    }
}
