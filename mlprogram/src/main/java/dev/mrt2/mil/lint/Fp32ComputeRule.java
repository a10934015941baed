package dev.mrt2.mil.lint;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code ANE010-fp32-compute}: ops whose outputs are fp32 (or fp64) tensors. Output plumbing (the casts and identities
 * that hand a result to a model output) and constants are not compute. A graph with no fp16 compute
 * at all is one finding listing every op; a mixed graph gets one finding per op type.
 */
final class Fp32ComputeRule implements LintRule {
    static final String ID = "ANE010-fp32-compute";

    private static final String WHY = "the Neural Engine computes in fp16 only (mrt2-model.md 6.3): fp32 ops run on the"
            + " CPU or GPU, and every fp16/fp32 boundary splits the graph with a copy; convert with fp16 compute"
            + " precision and keep fp32 at the model inputs and outputs only";

    @Override
    public List<Finding> check(ProgramIndex program) {
        List<Operation> fp32 = new ArrayList<>();
        int fp16 = 0;
        for (Operation op : program.operations()) {
            if (op.isConst() || program.isOutputPlumbing(op)) {
                continue;
            }
            if (anyOutput(op, DataType.FLOAT32, DataType.FLOAT64)) {
                fp32.add(op);
            } else if (anyOutput(op, DataType.FLOAT16)) {
                fp16++;
            }
        }
        if (fp32.isEmpty()) {
            return List.of();
        }
        SortedMap<String, Long> histogram = OpTypes.histogram(fp32);
        if (fp16 == 0) {
            String message = "the graph computes entirely in fp32: " + OpTypes.count(fp32.size(), "op") + " ("
                    + OpTypes.describe(histogram) + ")";
            return List.of(new Finding(ID, Severity.WARNING, message, OpTypes.names(fp32), histogram, WHY));
        }
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> group : OpTypes.groups(fp32).entrySet()) {
            List<Operation> ops = group.getValue();
            String message = group.getKey() + ": " + OpTypes.count(ops.size(), "op") + " "
                    + OpTypes.verb(ops.size(), "compute") + " in fp32 (the graph has "
                    + fp16 + " fp16 ops)";
            findings.add(new Finding(ID, Severity.WARNING, message, OpTypes.names(ops),
                    new TreeMap<>(Map.of(group.getKey(), (long) ops.size(), "fp16_ops", (long) fp16)), WHY));
        }
        return findings;
    }

    private static boolean anyOutput(Operation op, DataType... types) {
        for (Var v : op.outputs()) {
            DataType dt = ProgramIndex.tensorOf(v).dataType();
            for (DataType t : types) {
                if (dt == t) {
                    return true;
                }
            }
        }
        return false;
    }
}
