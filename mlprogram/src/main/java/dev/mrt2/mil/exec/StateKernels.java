package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;
import java.util.List;
import java.util.Map;

/** iOS18 state ops (coreml-mlpackage.md §6.10): {@code read_state} returns the current value, {@code write_state} replaces it. */
final class StateKernels {
    private StateKernels() {}

    static void register(Map<String, Kernel> table) {
        table.put("read_state", Kernel.single(a -> a.readState(a.stateName("input"))));
        table.put("write_state", a -> {
            String state = a.stateName("input");
            NdArray data = a.tensor("data");
            NdArray current = a.readState(state);
            if (data.kind() != current.kind() || !java.util.Arrays.equals(data.shape(), current.shape())) {
                throw a.fail("data " + data + " does not match state '" + state + "' " + current);
            }
            a.writeState(state, data);
            return List.of();
        });
    }
}
