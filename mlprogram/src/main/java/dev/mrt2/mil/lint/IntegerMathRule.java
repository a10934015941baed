package dev.mrt2.mil.lint;

import dev.mrt2.mil.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * {@code ANE031-integer-math}: ops that produce or read computed integer tensors (not constant shapes or axes), other
 * than the op types {@link CpuOpRule} already reports.
 */
final class IntegerMathRule implements LintRule {
    static final String ID = "ANE031-integer-math";

    private static final String WHY = "heuristic: the Neural Engine has fp16 arithmetic only (mrt2-model.md 6.3), so"
            + " integer tensors are computed on the CPU and every int/float boundary splits the graph; keep indices"
            + " and codes on the host, or in fp16 while they stay exact (integers up to 2048)";

    @Override
    public List<Finding> check(ProgramIndex program) {
        List<Operation> hits = new ArrayList<>();
        for (Operation op : program.operations()) {
            if (!CpuOpRule.isCpuOp(op) && ValueKinds.computesOn(program, op, ValueKinds.INTEGER)) {
                hits.add(op);
            }
        }
        if (hits.isEmpty()) {
            return List.of();
        }
        SortedMap<String, Long> histogram = OpTypes.histogram(hits);
        String message = OpTypes.count(hits.size(), "op") + " "
                + OpTypes.verb(hits.size(), "compute") + " on integer tensors ("
                + OpTypes.describe(histogram) + ")";
        return List.of(new Finding(ID, Severity.WARNING, message, OpTypes.names(hits), histogram, WHY));
    }
}
