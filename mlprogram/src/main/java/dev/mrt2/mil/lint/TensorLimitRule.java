package dev.mrt2.mil.lint;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Shapes the Neural Engine does not take. Every value in our IR has a static shape (a package with symbolic
 * dimensions does not even read: the reader names the dimension), so this checks sizes:
 * {@code ANE020-rank-over-5}, {@code ANE021-dim-over-16384} (inputs, op outputs and constants) and
 * {@code ANE022-tensor-over-budget} (activations: inputs and op outputs). Each finding names the largest offender.
 */
final class TensorLimitRule implements LintRule {
    static final String RANK = "ANE020-rank-over-5";
    static final String DIMENSION = "ANE021-dim-over-16384";
    static final String BYTES = "ANE022-tensor-over-budget";

    static final int MAX_RANK = 5;
    static final long MAX_DIMENSION = 16_384;
    /**
     * Our threshold, not Apple's. The full-size decoder's largest activation, [2, 128, 100, 240], is 24.6 MB in fp32
     * (flagged) and 12.3 MB in fp16, where the corrected decoder runs on the ANE (mrt2-model.md 6.2.4; not flagged).
     */
    static final long ACTIVATION_BYTE_BUDGET = 16L << 20;

    private static final String RANK_WHY = "heuristic: Neural Engine tensors have at most 5 axes, so Core ML runs"
            + " higher-rank ops on the CPU or GPU; fold axes (e.g. heads into batch) to stay at rank 5 or less";
    private static final String DIMENSION_WHY = "heuristic: the Neural Engine compiler does not take an axis longer"
            + " than 16384 (why large vocabulary heads are exported in chunks), so such ops leave the ANE; split the axis";
    private static final String BYTES_WHY = "heuristic: the Neural Engine works through tensors in tiles from a small"
            + " on-chip buffer; an activation over 16 MiB round-trips DRAM on every pass and is where compiles split or fail";

    /** A value checked against the limits, named by its op (or function input) for the finding. */
    private record Checked(String owner, String value, TensorType type, boolean activation) {}

    @Override
    public List<Finding> check(ProgramIndex program) {
        List<Checked> values = new ArrayList<>();
        for (Var v : program.inputs()) {
            values.add(new Checked(v.name(), v.name(), ProgramIndex.tensorOf(v), true));
        }
        for (Operation op : program.operations()) {
            for (Var v : op.outputs()) {
                values.add(new Checked(op.name(), v.name(), ProgramIndex.tensorOf(v), !op.isConst()));
            }
        }
        List<Finding> findings = new ArrayList<>();
        limit(findings, RANK, Severity.WARNING, values, c -> c.type().rank(), MAX_RANK, "rank above", RANK_WHY);
        limit(findings, DIMENSION, Severity.WARNING, values, c -> longestAxis(c.type()), MAX_DIMENSION,
                "an axis longer than", DIMENSION_WHY);
        List<Checked> activations = values.stream().filter(Checked::activation).toList();
        limit(findings, BYTES, Severity.INFO, activations, c -> bytes(c.type()), ACTIVATION_BYTE_BUDGET,
                "more bytes than", BYTES_WHY);
        return findings;
    }

    private static void limit(List<Finding> findings, String id, Severity severity, List<Checked> values,
                              ToLongFunction<Checked> measure, long max, String what, String why) {
        Set<String> owners = new LinkedHashSet<>();   // values come in program order; a multi-output op once
        Checked worst = null;
        long worstSize = 0;
        for (Checked c : values) {
            long size = measure.applyAsLong(c);
            if (size > max) {
                owners.add(c.owner());
                if (worst == null || size > worstSize) {
                    worst = c;
                    worstSize = size;
                }
            }
        }
        if (worst == null) {
            return;
        }
        String message = String.format(Locale.ROOT, "%s with %s %d (largest: '%s' %s)",
                OpTypes.count(owners.size(), "value"), what, max, worst.value(), worst.type());
        TreeMap<String, Long> figures = new TreeMap<>();
        figures.put("limit", max);
        figures.put("largest", worstSize);
        figures.put("values", (long) owners.size());
        findings.add(new Finding(id, severity, message, List.copyOf(owners), figures, why));
    }

    private static long longestAxis(TensorType t) {
        long longest = 0;
        for (long d : t.shape()) {
            longest = Math.max(longest, d);
        }
        return longest;
    }

    private static long bytes(TensorType t) {
        DataType dt = t.dataType();
        return dt == DataType.STRING ? 0 : Math.multiplyExact(t.elementCount(), (long) Math.max(1, dt.byteSize()));
    }
}
