package dev.mrt2.mil.lint;

import dev.mrt2.mil.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code ANE001-state-write}: {@code write_state} ops, the in-graph cache update of the first-generation temporal body;
 * {@code ANE002-state-read}: a graph that declares and reads states without writing them.
 */
final class StateWriteRule implements LintRule {
    static final String WRITE = "ANE001-state-write";
    static final String READ = "ANE002-state-read";

    private static final String WRITE_WHY = "graphs that write Core ML states failed ANE compilation for 2 or more frames"
            + " (ANECCompile() FAILED, error -14) and the 1-frame graph kept ~30 % of its cost on the CPU"
            + " (mrt2-model.md 6.1.1); return new cache rows as outputs and keep the cache on the host (6.2.2)";
    private static final String READ_WHY = "state inputs make Core ML compile the model as stateful, the configuration"
            + " whose ANE placement failed in mrt2-model.md 6.1.1; a read-only cache can be a plain input";

    @Override
    public List<Finding> check(ProgramIndex program) {
        List<Operation> writes = new ArrayList<>();
        List<Operation> reads = new ArrayList<>();
        TreeSet<String> written = new TreeSet<>();
        TreeSet<String> read = new TreeSet<>();
        for (Operation op : program.operations()) {
            if (op.type().equals("write_state")) {
                writes.add(op);
                written.add(op.inputName("input"));
            } else if (op.type().equals("read_state")) {
                reads.add(op);
                read.add(op.inputName("input"));
            }
        }
        int declared = program.model().description().states().size();
        TreeMap<String, Long> figures = new TreeMap<>();
        figures.put("write_state", (long) writes.size());
        figures.put("read_state", (long) reads.size());
        figures.put("states_declared", (long) declared);
        if (!writes.isEmpty()) {
            figures.put("states_written", (long) written.size());
            String message = OpTypes.count(writes.size(), "write_state op") + " "
                    + OpTypes.verb(writes.size(), "update") + " "
                    + OpTypes.count(written.size(), "state") + " inside the graph ("
                    + OpTypes.count(reads.size(), "read_state op") + ", " + declared + " states declared)";
            return List.of(new Finding(WRITE, Severity.WARNING, message, OpTypes.names(writes), figures, WRITE_WHY));
        }
        if (!reads.isEmpty() || declared > 0) {
            figures.put("states_read", (long) read.size());
            String message = OpTypes.count(declared, "state") + " declared, " + read.size() + " read by "
                    + OpTypes.count(reads.size(), "read_state op") + "; nothing in the graph writes them";
            return List.of(new Finding(READ, Severity.INFO, message, OpTypes.names(reads), figures, READ_WHY));
        }
        return List.of();
    }
}
