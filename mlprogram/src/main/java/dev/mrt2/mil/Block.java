package dev.mrt2.mil;

import java.util.List;

/** A MIL block: operations in topological order and the names of the values it returns. */
public record Block(List<Var> inputs, List<Operation> operations, List<String> outputs) {
    public Block {
        inputs = List.copyOf(inputs);
        operations = List.copyOf(operations);
        outputs = List.copyOf(outputs);
    }
}
