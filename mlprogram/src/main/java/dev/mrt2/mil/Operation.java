package dev.mrt2.mil;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One MIL operation. {@code inputs} maps parameter name to its bindings (one, or several for variadic
 * parameters such as {@code concat.values}), sorted by key as the deterministic serialization requires.
 * {@code value} is set only for {@code const} ops.
 */
public record Operation(String type, String name, SortedMap<String, List<Binding>> inputs, List<Var> outputs,
                        ConstValue value) {
    public Operation {
        TreeMap<String, List<Binding>> copy = new TreeMap<>();
        for (Map.Entry<String, List<Binding>> e : inputs.entrySet()) {
            copy.put(e.getKey(), List.copyOf(e.getValue()));
        }
        inputs = Collections.unmodifiableSortedMap(copy);
        outputs = List.copyOf(outputs);
    }

    public boolean isConst() {
        return "const".equals(type);
    }

    /** The single name bound to {@code param}, or null when the parameter is absent. */
    public String inputName(String param) {
        List<Binding> b = inputs.get(param);
        if (b == null) {
            return null;
        }
        if (b.size() != 1 || !b.get(0).isName()) {
            throw new IllegalStateException("op '" + name + "' (" + type + "): parameter '" + param
                    + "' is not a single by-name binding");
        }
        return b.get(0).name();
    }

    public Var output() {
        if (outputs.size() != 1) {
            throw new IllegalStateException("op '" + name + "' (" + type + ") has " + outputs.size() + " outputs");
        }
        return outputs.get(0);
    }
}
