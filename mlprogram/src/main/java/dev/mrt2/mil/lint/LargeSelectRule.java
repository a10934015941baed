package dev.mrt2.mil.lint;

import dev.mrt2.mil.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code ANE033-large-select}: {@code select} over more than {@value #MAX_ELEMENTS} elements. A small select that
 * falls back to the CPU costs little; a large one moves the whole tensor off the Neural Engine and back.
 */
final class LargeSelectRule implements LintRule {
    static final String ID = "ANE033-large-select";
    /** 128 KiB of fp16: our threshold for "large", not Apple's. */
    static final long MAX_ELEMENTS = 65_536;

    private static final String WHY = "heuristic: select on a bool mask usually runs on the CPU, and the round trip costs"
            + " in proportion to the tensor; use arithmetic instead (x + bias with a 0 / -1e4 fp16 mask, or m*a + (1-m)*b)";

    @Override
    public List<Finding> check(ProgramIndex program) {
        List<Operation> hits = new ArrayList<>();
        long largest = 0;
        for (Operation op : program.operations()) {
            if (op.type().equals("select")) {
                long elements = op.output().tensorType().elementCount();
                if (elements > MAX_ELEMENTS) {
                    hits.add(op);
                    largest = Math.max(largest, elements);
                }
            }
        }
        if (hits.isEmpty()) {
            return List.of();
        }
        TreeMap<String, Long> figures = new TreeMap<>();
        figures.put("largest_elements", largest);
        figures.put("limit_elements", MAX_ELEMENTS);
        figures.put("select", (long) hits.size());
        String message = OpTypes.count(hits.size(), "select op") + " over more than " + MAX_ELEMENTS
                + " elements (largest " + largest + ")";
        return List.of(new Finding(ID, Severity.WARNING, message, OpTypes.names(hits), figures, WHY));
    }
}
