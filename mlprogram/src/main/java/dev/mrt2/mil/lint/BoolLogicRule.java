package dev.mrt2.mil.lint;

import dev.mrt2.mil.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * {@code ANE032-bool-logic}: comparisons, logical ops and casts that produce or read computed bool tensors. A
 * {@code select} reading such a mask is judged by {@link LargeSelectRule}, by size.
 */
final class BoolLogicRule implements LintRule {
    static final String ID = "ANE032-bool-logic";

    private static final String WHY = "heuristic: the Neural Engine holds no bool tensors, so comparisons and logical ops"
            + " usually run on the CPU; build masks as an fp16 additive bias (0 or -1e4) instead, as the streaming"
            + " carry's cache_valid_bias input does (mrt2-model.md 6.2.2)";

    @Override
    public List<Finding> check(ProgramIndex program) {
        List<Operation> hits = new ArrayList<>();
        for (Operation op : program.operations()) {
            if (!op.type().equals("select") && !CpuOpRule.isCpuOp(op)
                    && ValueKinds.computesOn(program, op, ValueKinds.BOOL)) {
                hits.add(op);
            }
        }
        if (hits.isEmpty()) {
            return List.of();
        }
        SortedMap<String, Long> histogram = OpTypes.histogram(hits);
        String message = OpTypes.count(hits.size(), "op") + " "
                + OpTypes.verb(hits.size(), "compute") + " bool masks (" + OpTypes.describe(histogram) + ")";
        return List.of(new Finding(ID, Severity.WARNING, message, OpTypes.names(hits), histogram, WHY));
    }
}
