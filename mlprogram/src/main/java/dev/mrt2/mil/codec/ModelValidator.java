package dev.mrt2.mil.codec;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.ModelDescription;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.StateType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.ValueType;
import dev.mrt2.mil.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map.Entry;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The semantic checks of coreml-mlpackage.md §8.2–8.4 on an in-memory model, run before we write a package and
 * after we read one: versions and opset agree, the description matches the function, every op is known and
 * available in the opset, every value is defined once before it is used, states are used only by state ops.
 * Messages name the op or value and state the rule; the caller prefixes the file.
 */
public final class ModelValidator {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_@]*");

    private ModelValidator() {}

    public static void validate(Model model) {
        Opset opset = opsetOf(model.specificationVersion());
        if (model.program().functions().size() != 1 || !model.program().functions().containsKey("main")) {
            throw new MilException("program must hold exactly one function 'main', has "
                    + model.program().functions().keySet());
        }
        Function main = model.program().main();
        if (!opset.opsetName.equals(main.opset())) {
            throw new MilException("specificationVersion " + model.specificationVersion() + " goes with opset "
                    + opset.opsetName + ", but function 'main' uses opset '" + main.opset() + "'");
        }
        checkDescription(model.description(), opset);
        checkSignature(model.description(), main);
        checkBlock(main, opset, model.description());
    }

    /** The opset {@code specificationVersion} stands for (§3.1), or an error for versions we do not write. */
    public static Opset opsetOf(int specificationVersion) {
        for (Opset o : Opset.values()) {
            if (o.specificationVersion == specificationVersion) {
                return o;
            }
        }
        throw new MilException("specificationVersion " + specificationVersion + " is not an ML Program version we support (6..9)");
    }

    private static void checkDescription(ModelDescription d, Opset opset) {
        if (d.outputs().isEmpty()) {
            throw new MilException("model description has no outputs");
        }
        if (d.inputs().isEmpty() && opset.compareTo(Opset.IOS18) < 0) {
            throw new MilException("a model without inputs needs specificationVersion 9");
        }
        Set<String> names = new HashSet<>();
        List<FeatureDescription> all = new ArrayList<>(d.inputs());
        all.addAll(d.outputs());
        all.addAll(d.states());
        for (FeatureDescription f : all) {
            if (f.name().isEmpty()) {
                throw new MilException("model description has a feature without a name");
            }
            if (!names.add(f.name())) {
                throw new MilException("feature name '" + f.name() + "' appears twice in the model description");
            }
            DataType dt = f.type().dataType();
            if (dt.arrayDataType == 0) {
                throw new MilException("feature '" + f.name() + "' has dtype " + dt.milName + ", not a Core ML array type");
            }
            if (dt == DataType.FLOAT16 && opset.compareTo(Opset.IOS16) < 0) {
                throw new MilException("fp16 feature '" + f.name() + "' needs specificationVersion 7 or later");
            }
        }
        if (!d.states().isEmpty() && opset.compareTo(Opset.IOS18) < 0) {
            throw new MilException("states " + names(d.states()) + " need specificationVersion 9 (opset CoreML8)");
        }
        for (FeatureDescription s : d.states()) {
            if (s.type().dataType() != DataType.FLOAT16) {
                throw new MilException("state '" + s.name() + "' is " + s.type() + "; Core ML states must be fp16");
            }
        }
    }

    // Function.inputs = description inputs, then states, in their declared orders (tensors and states may interleave).
    private static void checkSignature(ModelDescription d, Function main) {
        List<Var> tensors = new ArrayList<>();
        List<Var> states = new ArrayList<>();
        for (Var v : main.inputs()) {
            (v.type() instanceof StateType ? states : tensors).add(v);
        }
        compare("input", d.inputs(), tensors, false);
        compare("state", d.states(), states, true);
    }

    private static void compare(String kind, List<FeatureDescription> described, List<Var> declared, boolean state) {
        if (described.size() != declared.size()) {
            throw new MilException("description lists " + described.size() + " " + kind + "s " + names(described)
                    + " but function 'main' declares " + declared.size() + " " + varNames(declared));
        }
        for (int i = 0; i < described.size(); i++) {
            FeatureDescription f = described.get(i);
            Var v = declared.get(i);
            ValueType expected = state ? new StateType(f.type()) : f.type();
            if (!f.name().equals(v.name()) || !expected.equals(v.type())) {
                throw new MilException(kind + " " + i + ": description has '" + f.name() + "' " + expected
                        + " but function 'main' declares '" + v.name() + "' " + v.type());
            }
            if (!state && f.type().rank() == 0) {
                throw new MilException("input '" + f.name() + "' has rank 0; model inputs need rank >= 1");
            }
        }
    }

    private static void checkBlock(Function main, Opset opset, ModelDescription d) {
        Map<String, ValueType> defined = new HashMap<>();
        for (Var v : main.inputs()) {
            define(defined, v, "function input");
        }
        Set<String> opNames = new HashSet<>();
        for (Operation op : main.block().operations()) {
            String where = "op '" + op.name() + "' (" + op.type() + ")";
            if (!IDENTIFIER.matcher(op.name()).matches()) {
                throw new MilException(where + ": op name is not a valid identifier");
            }
            if (!opNames.add(op.name())) {
                throw new MilException(where + ": duplicate op name '" + op.name() + "'");
            }
            dev.mrt2.mil.exec.OpDef spec = dev.mrt2.mil.exec.OpCatalog.find(op.type());
            if (spec == null) {
                throw new MilException(where + ": unknown op type '" + op.type() + "'");
            }
            if (spec.since().compareTo(opset) > 0) {
                throw new MilException(where + ": needs opset " + spec.since().opsetName + ", function uses " + opset.opsetName);
            }
            if (op.isConst()) {
                checkConst(op, where);
            } else {
                checkInputs(op, spec, opset, defined, where);
                checkStateOp(op, defined, where);
            }
            for (Var out : op.outputs()) {
                if (out.type() instanceof StateType) {
                    throw new MilException(where + ": output '" + out.name() + "' cannot be a state");
                }
                define(defined, out, where + " output");
            }
        }
        List<String> outs = main.block().outputs();
        for (int i = 0; i < outs.size(); i++) {
            if (!defined.containsKey(outs.get(i))) {
                throw new MilException("block output '" + outs.get(i) + "' is not defined by any op or input");
            }
        }
        if (!outs.equals(names(d.outputs()))) {
            throw new MilException("block outputs " + outs + " differ from the description outputs " + names(d.outputs()));
        }
        for (FeatureDescription f : d.outputs()) {
            ValueType t = defined.get(f.name());
            if (!f.type().equals(t)) {
                throw new MilException("output '" + f.name() + "': description says " + f.type() + ", the program computes " + t);
            }
        }
    }

    private static void checkConst(Operation op, String where) {
        if (!op.inputs().isEmpty()) {
            throw new MilException(where + ": a const has no inputs, got " + op.inputs().keySet());
        }
        if (op.value() == null) {
            throw new MilException(where + ": const without a value");
        }
        if (op.outputs().size() != 1 || !op.outputs().get(0).type().equals(op.value().type())) {
            throw new MilException(where + ": a const needs exactly one output of its value's type " + op.value().type()
                    + ", got " + op.outputs());
        }
        checkImmediate(op.value(), where);
    }

    private static void checkImmediate(ConstValue value, String where) {
        if (!(value instanceof ConstValue.Immediate imm)) {
            return;
        }
        TensorType t = imm.type();
        if (t.dataType() == DataType.STRING) {
            if (imm.strings() == null || imm.strings().size() != t.elementCount()) {
                throw new MilException(where + ": string value " + t + " holds "
                        + (imm.strings() == null ? 0 : imm.strings().size()) + " strings");
            }
        } else if (imm.bytes().length != t.elementCount() * t.dataType().byteSize()) {
            throw new MilException(where + ": value " + t + " holds " + imm.bytes().length + " bytes, expected "
                    + t.elementCount() * t.dataType().byteSize());
        }
    }

    private static void checkInputs(Operation op, dev.mrt2.mil.exec.OpDef spec, Opset opset, Map<String, ValueType> defined,
                                    String where) {
        if (op.value() != null) {
            throw new MilException(where + ": only a const carries a value");
        }
        for (Entry<String, List<Binding>> e : op.inputs().entrySet()) {
            String param = e.getKey();
            if (!spec.accepts(param, opset)) {
                throw new MilException(where + ": '" + param + "' is not a parameter of " + op.type() + " in opset " + opset.opsetName);
            }
            List<Binding> bindings = e.getValue();
            if (bindings.isEmpty() || (bindings.size() > 1 && !spec.isVariadic(param))) {
                throw new MilException(where + ": parameter '" + param + "' has " + bindings.size() + " bindings");
            }
            for (Binding b : bindings) {
                if (b.isName()) {
                    ValueType t = defined.get(b.name());
                    if (t == null) {
                        throw new MilException(where + ": parameter '" + param + "' uses undefined value '" + b.name() + "'");
                    }
                    boolean stateParam = "input".equals(param) && ("read_state".equals(op.type()) || "write_state".equals(op.type()));
                    if (t instanceof StateType && !stateParam) {
                        throw new MilException(where + ": state '" + b.name() + "' can only feed read_state/write_state");
                    }
                } else {
                    checkImmediate(b.value(), where);
                }
            }
        }
        int outputs = op.outputs().size();
        boolean multi = "split".equals(op.type()) || "topk".equals(op.type());
        if ("write_state".equals(op.type()) ? outputs != 0 : (multi ? outputs < 1 : outputs != 1)) {
            throw new MilException(where + ": wrong number of outputs (" + outputs + ")");
        }
    }

    private static void checkStateOp(Operation op, Map<String, ValueType> defined, String where) {
        boolean read = "read_state".equals(op.type());
        if (!read && !"write_state".equals(op.type())) {
            return;
        }
        String stateName = op.inputs().containsKey("input") && op.inputs().get("input").get(0).isName()
                ? op.inputs().get("input").get(0).name() : null;
        if (stateName == null || !(defined.get(stateName) instanceof StateType st)) {
            throw new MilException(where + ": 'input' must be bound to a state");
        }
        if (read) {
            if (!op.outputs().get(0).type().equals(st.wrapped())) {
                throw new MilException(where + ": output " + op.outputs().get(0).type() + " != state " + st.wrapped());
            }
            return;
        }
        List<Binding> data = op.inputs().get("data");
        ValueType dataType = data == null ? null
                : data.get(0).isName() ? defined.get(data.get(0).name()) : data.get(0).value().type();
        if (!st.wrapped().equals(dataType)) {
            throw new MilException(where + ": data " + dataType + " must have exactly the state's type " + st.wrapped());
        }
    }

    private static void define(Map<String, ValueType> defined, Var v, String what) {
        if (!IDENTIFIER.matcher(v.name()).matches()) {
            throw new MilException(what + ": '" + v.name() + "' is not a valid identifier");
        }
        if (defined.putIfAbsent(v.name(), v.type()) != null) {
            throw new MilException(what + ": value name '" + v.name() + "' is defined twice");
        }
    }

    private static List<String> names(List<FeatureDescription> fs) {
        List<String> out = new ArrayList<>();
        for (FeatureDescription f : fs) out.add(f.name());
        return out;
    }

    private static List<String> varNames(List<Var> vs) {
        List<String> out = new ArrayList<>();
        for (Var v : vs) out.add(v.name());
        return out;
    }
}
