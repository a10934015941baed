package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.Opset;
import dev.mrt2.mil.StateType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.List;

/**
 * iOS18 state ops (coreml-mlpackage.md §6.10): {@code read_state} returns the current value, {@code write_state}
 * replaces it.
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class StateOps {
    private StateOps() {}

    static void define(OpTable t) {
        t.mover(Opset.IOS18, "read_state", Kernel.single(a -> a.readState(a.stateName("input"))), "input");
        t.op(Opset.IOS18, "write_state", a -> {
            String state = a.stateName("input");
            NdArray data = a.tensor("data");
            NdArray current = a.readState(state);
            if (data.kind() != current.kind() || !java.util.Arrays.equals(data.shape(), current.shape())) {
                throw a.fail("data " + data + " does not match state '" + state + "' " + current);
            }
            a.writeState(state, data);
            return List.of();
        }, "input", "data");
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** read_state gives the wrapped tensor type of a state input. */
    public static TensorType readStateType(Var state) {
        if (!(state.type() instanceof StateType st)) {
            throw fail("input '" + state.name() + "' is not a state");
        }
        return st.wrapped();
    }

    /** write_state has no outputs; {@code data} must have exactly the state's wrapped type. */
    public static void checkWriteState(Var state, Var data) {
        if (!(state.type() instanceof StateType st)) {
            throw fail("input '" + state.name() + "' is not a state");
        }
        if (!st.wrapped().equals(data.tensorType())) {
            throw fail("data " + data.tensorType() + " != state " + st.wrapped());
        }
    }
}
