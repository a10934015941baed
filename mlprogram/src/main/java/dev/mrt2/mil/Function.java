package dev.mrt2.mil;

import java.util.List;

/** A MIL function: inputs (tensors and states, in declaration order), the opset, and its one block. */
public record Function(String name, List<Var> inputs, String opset, Block block) {
    public Function {
        inputs = List.copyOf(inputs);
    }
}
