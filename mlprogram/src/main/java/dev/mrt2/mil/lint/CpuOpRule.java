package dev.mrt2.mil.lint;

import dev.mrt2.mil.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ANE030-cpu-op}: op types that usually run on the CPU whatever the compute units (data-dependent indexing,
 * sorting, index-producing reductions, scans, random numbers). One finding per op type, with that type's reason.
 * Heuristics from the Neural Engine being an fp16 tensor engine without data-dependent addressing.
 */
final class CpuOpRule implements LintRule {
    static final String ID = "ANE030-cpu-op";

    private static final String GATHER = "data-dependent indexing has no general Neural Engine kernel, so Core ML runs"
            + " it on the CPU and splits the graph around it; look tables up on the host or as an fp16 matmul";
    private static final String SCATTER = "data-dependent writes have no Neural Engine kernel; Core ML runs them on the CPU";
    private static final String SORT = "sorting and selection are sequential comparisons the Neural Engine does not do;"
            + " Core ML runs them on the CPU (the in-graph top-k of the depth rollout, mrt2-model.md 3.8)";
    private static final String ARG = "index-producing reductions output int32, which the fp16-only Neural Engine does"
            + " not produce; Core ML runs them on the CPU";
    private static final String SCAN = "a running sum is a sequential scan the Neural Engine does not do; for a short"
            + " axis use a matmul with a triangular fp16 constant";
    private static final String DYNAMIC = "the output size depends on the data, which the statically compiled Neural"
            + " Engine graph cannot express";
    private static final String RANDOM = "random numbers are drawn on the CPU; pass noise in as an input"
            + " (the rollout's gumbel_noise, mrt2-model.md 6.2.3)";

    /** Op type -> why it leaves the Neural Engine. */
    static final Map<String, String> CPU_OPS = cpuOps();

    private static Map<String, String> cpuOps() {
        TreeMap<String, String> m = new TreeMap<>();
        for (String op : List.of("gather", "gather_along_axis", "gather_nd", "one_hot")) m.put(op, GATHER);
        for (String op : List.of("scatter", "scatter_along_axis", "scatter_nd")) m.put(op, SCATTER);
        for (String op : List.of("topk", "argsort")) m.put(op, SORT);
        for (String op : List.of("reduce_argmax", "reduce_argmin")) m.put(op, ARG);
        m.put("cumsum", SCAN);
        for (String op : List.of("non_zero", "non_maximum_suppression")) m.put(op, DYNAMIC);
        for (String op : List.of("random_bernoulli", "random_categorical", "random_normal", "random_uniform")) {
            m.put(op, RANDOM);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    static boolean isCpuOp(Operation op) {
        return CPU_OPS.containsKey(op.type());
    }

    @Override
    public List<Finding> check(ProgramIndex program) {
        List<Operation> hits = new ArrayList<>();
        for (Operation op : program.operations()) {
            if (isCpuOp(op)) {
                hits.add(op);
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> group : OpTypes.groups(hits).entrySet()) {
            String type = group.getKey();
            List<Operation> ops = group.getValue();
            String message = type + ": " + OpTypes.count(ops.size(), "op") + " that usually "
                    + OpTypes.verb(ops.size(), "run") + " on the CPU";
            findings.add(new Finding(ID, Severity.WARNING, message, OpTypes.names(ops),
                    new TreeMap<>(Map.of(type, (long) ops.size())), CPU_OPS.get(type)));
        }
        return findings;
    }
}
