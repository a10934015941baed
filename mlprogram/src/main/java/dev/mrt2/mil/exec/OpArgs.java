package dev.mrt2.mil.exec;

import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one op during one call, typed the way kernels read them. Optional parameters take the default
 * the caller passes, which is the MIL default of coreml-mlpackage.md §6 (coremltools leaves "none"-default parameters
 * out of the file, so the runtime has to supply them).
 */
final class OpArgs {
    private final PlannedOp planned;
    private final ValueSource values;
    private final KernelContext context;
    private final Opset opset;

    OpArgs(PlannedOp planned, ValueSource values, KernelContext context, Opset opset) {
        this.planned = planned;
        this.values = values;
        this.context = context;
        this.opset = opset;
    }

    String opName() {
        return planned.name();
    }

    String opType() {
        return planned.type();
    }

    Opset opset() {
        return opset;
    }

    KernelContext context() {
        return context;
    }

    /** What identifies the current call (values computed for one call must not serve the next). */
    Object call() {
        return values;
    }

    /** This op's product computed with the other calls of a batch ({@link LinearBatch}), or null. */
    float[] batchedProduct() {
        return values.takeProduct(planned.name());
    }

    /** The linear layers sharing this op's input, or null. */
    SiblingLinears siblings() {
        return planned.siblings;
    }

    int siblingIndex() {
        return planned.siblingIndex;
    }

    /** The undecoded tensor constant {@code name}; fails when there is none. */
    dev.mrt2.mil.ConstValue constant(String name) {
        dev.mrt2.mil.ConstValue v = values.constantValue(name);
        if (v == null) {
            throw fail("'" + name + "' is not a tensor constant");
        }
        return v;
    }

    boolean has(String param) {
        return planned.params.containsKey(param);
    }

    // ---------------------------------------------------------------- tensors

    NdArray tensor(String param) {
        NdArray t = optTensor(param);
        if (t == null) {
            throw fail("required parameter '" + param + "' is missing");
        }
        return t;
    }

    NdArray optTensor(String param) {
        List<PlannedOp.Arg> args = planned.params.get(param);
        if (args == null) {
            return null;
        }
        if (args.size() != 1) {
            throw fail("parameter '" + param + "' has " + args.size() + " bindings, expected 1");
        }
        return resolve(param, args.get(0));
    }

    /** A variadic parameter such as {@code concat.values}, in binding order. */
    List<NdArray> tensors(String param) {
        List<PlannedOp.Arg> args = planned.params.get(param);
        if (args == null) {
            throw fail("required parameter '" + param + "' is missing");
        }
        List<NdArray> out = new ArrayList<>(args.size());
        for (PlannedOp.Arg a : args) {
            out.add(resolve(param, a));
        }
        return out;
    }

    /** Binding {@code index} of a variadic parameter. */
    NdArray tensorAt(String param, int index) {
        List<PlannedOp.Arg> args = planned.params.get(param);
        if (args == null || index >= args.size()) {
            throw fail("parameter '" + param + "' has no binding " + index);
        }
        return resolve(param, args.get(index));
    }

    /** Whether a live or decoded float tensor bound to any parameter holds exactly the array {@code data}. */
    boolean bindsArray(float[] data) {
        for (List<PlannedOp.Arg> args : planned.params.values()) {
            for (PlannedOp.Arg arg : args) {
                NdArray t = arg.isName() ? values.peek(arg.name()) : arg.tensor();
                if (t != null && t.isFloat() && t.floats() == data) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The name of the constant bound to {@code param}, or null when it is bound to anything else. */
    String constantName(String param) {
        List<PlannedOp.Arg> args = planned.params.get(param);
        if (args == null || args.size() != 1 || !args.get(0).isName() || values.constantValue(args.get(0).name()) == null) {
            return null;
        }
        return args.get(0).name();
    }

    /** The undecoded constant bound to {@code param} (its type and payload), or null. */
    dev.mrt2.mil.ConstValue constantValue(String param) {
        String name = constantName(param);
        return name == null ? null : values.constantValue(name);
    }

    /** Whether the value bound to {@code param} is a constant, so a kernel may cache a re-laid-out copy of it. */
    boolean isConstant(String param) {
        List<PlannedOp.Arg> args = planned.params.get(param);
        return args != null && args.size() == 1 && (!args.get(0).isName() || values.isConstant(args.get(0).name()));
    }

    private NdArray resolve(String param, PlannedOp.Arg a) {
        if (!a.isName()) {
            if (a.tensor() == null) {
                throw fail("parameter '" + param + "' is a string, expected a tensor");
            }
            return a.tensor();
        }
        NdArray t = values.tensor(a.name());
        if (t == null) {
            if (values.string(a.name()) != null) {
                throw fail("parameter '" + param + "' is bound to string '" + a.name() + "', expected a tensor");
            }
            if (values.isState(a.name())) {
                throw fail("parameter '" + param + "' is bound to state '" + a.name() + "'; read it with read_state");
            }
            throw fail("parameter '" + param + "' is bound to '" + a.name() + "', which is not defined before this op");
        }
        return t;
    }

    // ---------------------------------------------------------------- scalars and lists

    int intValue(String param) {
        return scalarInt(param, tensor(param));
    }

    int intValue(String param, int dflt) {
        NdArray t = optTensor(param);
        return t == null ? dflt : scalarInt(param, t);
    }

    private int scalarInt(String param, NdArray t) {
        if (t.size() != 1) {
            throw fail("parameter '" + param + "' must be a scalar, got " + t);
        }
        return t.isFloat() ? (int) t.floats()[0] : t.ints()[0];
    }

    /** An int list (a rank-0 value counts as a list of one). */
    int[] intList(String param) {
        NdArray t = tensor(param);
        if (t.isFloat()) {
            throw fail("parameter '" + param + "' must be an int32 list, got " + t);
        }
        return t.ints().clone();
    }

    int[] intList(String param, int[] dflt) {
        return has(param) ? intList(param) : dflt;
    }

    float floatValue(String param, float dflt) {
        NdArray t = optTensor(param);
        if (t == null) {
            return dflt;
        }
        if (t.size() != 1) {
            throw fail("parameter '" + param + "' must be a scalar, got " + t);
        }
        return t.isFloat() ? t.floats()[0] : t.ints()[0];
    }

    boolean boolValue(String param, boolean dflt) {
        NdArray t = optTensor(param);
        if (t == null) {
            return dflt;
        }
        if (t.size() != 1 || t.kind() != NdArray.Kind.BOOL) {
            throw fail("parameter '" + param + "' must be a bool scalar, got " + t);
        }
        return t.ints()[0] != 0;
    }

    /** A bool list such as slice masks; absent means all false. */
    boolean[] boolList(String param, int length) {
        boolean[] out = new boolean[length];
        NdArray t = optTensor(param);
        if (t == null) {
            return out;
        }
        if (t.kind() != NdArray.Kind.BOOL || t.size() != length) {
            throw fail("parameter '" + param + "' must be bool[" + length + "], got " + t);
        }
        for (int i = 0; i < length; i++) {
            out[i] = t.ints()[i] != 0;
        }
        return out;
    }

    String stringValue(String param, String dflt) {
        List<PlannedOp.Arg> args = planned.params.get(param);
        if (args == null) {
            return dflt;
        }
        PlannedOp.Arg a = args.get(0);
        String s = a.isName() ? values.string(a.name()) : a.string();
        if (s == null) {
            throw fail("parameter '" + param + "' must be a string constant");
        }
        return s;
    }

    /** The state a {@code read_state}/{@code write_state} parameter names. */
    String stateName(String param) {
        List<PlannedOp.Arg> args = planned.params.get(param);
        if (args == null || args.size() != 1 || !args.get(0).isName() || !values.isState(args.get(0).name())) {
            throw fail("parameter '" + param + "' must be bound to a state of the function");
        }
        return args.get(0).name();
    }

    NdArray readState(String name) {
        return values.readState(name);
    }

    void writeState(String name, NdArray value) {
        values.writeState(name, value);
    }

    // ---------------------------------------------------------------- declared outputs

    int outputCount() {
        return planned.op.outputs().size();
    }

    TensorType outputType(int index) {
        Var v = planned.op.outputs().get(index);
        return v.tensorType();
    }

    int[] outputShape(int index) {
        return outputType(index).intDims();
    }

    /** Normalizes a possibly negative axis against {@code rank}. */
    int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw fail("axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    ExecutorException fail(String problem) {
        return new ExecutorException("op '" + opName() + "' (" + opType() + "): " + problem);
    }
}
