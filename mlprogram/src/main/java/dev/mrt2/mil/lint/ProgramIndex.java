package dev.mrt2.mil.lint;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.StateType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.ValueType;
import dev.mrt2.mil.Var;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code main} function of a model, indexed for the rules: which op produces and which ops consume each value,
 * which values are constants, and the program position of every op and function input. The maps are only looked up,
 * never iterated, so no output depends on hash order.
 */
final class ProgramIndex {
    private final Model model;
    private final List<Var> inputs;
    private final List<Operation> operations;
    private final Set<String> blockOutputs;
    private final Map<String, Integer> position = new HashMap<>();
    private final Map<String, Operation> producer = new HashMap<>();
    private final Map<String, Var> values = new HashMap<>();
    private final Set<String> outputPlumbing = new HashSet<>();
    private final Map<String, List<Operation>> consumers = new HashMap<>();

    ProgramIndex(Model model) {
        this.model = model;
        Function main = model.program().main();
        this.inputs = main.inputs();
        this.operations = main.block().operations();
        this.blockOutputs = Set.copyOf(main.block().outputs());
        // Function inputs come before every op: positions -n..-1, ops 0..m-1.
        for (int i = 0; i < inputs.size(); i++) {
            position.put(inputs.get(i).name(), i - inputs.size());
            values.put(inputs.get(i).name(), inputs.get(i));
        }
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            position.put(op.name(), i);
            for (Var out : op.outputs()) {
                producer.put(out.name(), op);
                values.put(out.name(), out);
            }
            Set<String> seen = new HashSet<>();
            for (String name : boundNames(op)) {
                if (seen.add(name)) {
                    consumers.computeIfAbsent(name, k -> new ArrayList<>()).add(op);
                }
            }
        }
        findOutputPlumbing();
    }

    Model model() {
        return model;
    }

    /** Function inputs (tensors and states) in declaration order. */
    List<Var> inputs() {
        return inputs;
    }

    /** Operations in program order. */
    List<Operation> operations() {
        return operations;
    }

    boolean isBlockOutput(String value) {
        return blockOutputs.contains(value);
    }

    /**
     * Whether {@code op} is a cast or identity whose value goes nowhere but to model outputs (directly or through
     * more such ops): how a graph hands back its declared outputs, e.g. the fp32 cast at the end of an fp16 graph.
     */
    boolean isOutputPlumbing(Operation op) {
        return outputPlumbing.contains(op.name());
    }

    /** The ops reading {@code value}, in program order, each once. */
    List<Operation> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The op producing {@code value}, or null for a function input. */
    Operation producer(String value) {
        return producer.get(value);
    }

    /** Whether {@code value} is fixed when the model is compiled: the output of a {@code const} op. */
    boolean isConstant(String value) {
        Operation op = producer.get(value);
        return op != null && op.isConst();
    }

    /** The tensor a value holds; for a state, the tensor it wraps. */
    static TensorType tensorOf(Var v) {
        ValueType t = v.type();
        return t instanceof StateType s ? s.wrapped() : (TensorType) t;
    }

    /**
     * The tensors an op reads from other values: by-name bindings resolved to their producers' types. Inline values
     * (coremltools writes some literals inline) are constants and are not returned.
     */
    List<Var> inputValues(Operation op) {
        List<Var> out = new ArrayList<>();
        for (String name : boundNames(op)) {
            Var v = values.get(name);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** Names sorted by program position (function inputs first, then ops); unknown names last, by name. */
    List<String> inProgramOrder(Collection<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.comparingInt((String n) -> position.getOrDefault(n, Integer.MAX_VALUE))
                .thenComparing(Comparator.naturalOrder()));
        return sorted;
    }

    // Walked backwards, so a chain (cast, then the identity that renames it) is found in one pass.
    private void findOutputPlumbing() {
        for (int i = operations.size() - 1; i >= 0; i--) {
            Operation op = operations.get(i);
            if ((!op.type().equals("cast") && !op.type().equals("identity")) || op.outputs().size() != 1) {
                continue;
            }
            String value = op.output().name();
            List<Operation> readers = consumers(value);
            boolean reachesOutput = isBlockOutput(value) || !readers.isEmpty();
            if (reachesOutput && readers.stream().allMatch(r -> outputPlumbing.contains(r.name()))) {
                outputPlumbing.add(op.name());
            }
        }
    }

    private static List<String> boundNames(Operation op) {
        List<String> names = new ArrayList<>();
        for (List<Binding> bindings : op.inputs().values()) {
            for (Binding b : bindings) {
                if (b.isName()) {
                    names.add(b.name());
                }
            }
        }
        return names;
    }
}
