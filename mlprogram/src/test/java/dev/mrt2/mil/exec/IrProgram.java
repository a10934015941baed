package dev.mrt2.mil.exec;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Block;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.ModelDescription;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.Program;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Assembles MIL at the IR level, the way coremltools writes it rather than the way our MilBuilder does: optional
 * parameters left out, inline {@code Binding.value} arguments, pad_type spellings MilBuilder never emits.
 */
final class IrProgram {
    private final Opset opset;
    private final List<Var> inputs = new ArrayList<>();
    private final List<FeatureDescription> inputFeatures = new ArrayList<>();
    private final List<Operation> ops = new ArrayList<>();

    IrProgram(Opset opset) {
        this.opset = opset;
    }

    Var input(String name, DataType dt, long... shape) {
        TensorType t = TensorType.of(dt, shape);
        Var v = new Var(name, t);
        inputs.add(v);
        inputFeatures.add(new FeatureDescription(name, "", t));
        return v;
    }

    static ConstValue floats(long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) b.putFloat(f);
        return new ConstValue.Immediate(TensorType.of(DataType.FLOAT32, shape), b.array(), null);
    }

    static ConstValue ints(long[] shape, int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        return new ConstValue.Immediate(TensorType.of(DataType.INT32, shape), b.array(), null);
    }

    static ConstValue intList(int... values) {
        return ints(new long[] {values.length}, values);
    }

    static ConstValue intScalar(int value) {
        return ints(new long[0], value);
    }

    static ConstValue bools(boolean... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (values[i] ? 1 : 0);
        return new ConstValue.Immediate(TensorType.of(DataType.BOOL, values.length), b, null);
    }

    static ConstValue boolScalar(boolean value) {
        return new ConstValue.Immediate(TensorType.scalar(DataType.BOOL), new byte[] {(byte) (value ? 1 : 0)}, null);
    }

    static ConstValue string(String s) {
        return new ConstValue.Immediate(TensorType.scalar(DataType.STRING), s.getBytes(StandardCharsets.UTF_8), List.of(s));
    }

    /** A {@code const} op whose output is named like the op. */
    Var constant(String name, ConstValue value) {
        Var out = new Var(name, value.type());
        ops.add(new Operation("const", name, new TreeMap<>(), List.of(out), value));
        return out;
    }

    /**
     * An op with one output of {@code outType}. {@code params} alternate a parameter name and a {@link Var} (bound by
     * name), a {@link ConstValue} (bound inline) or a {@code List<Var>} (variadic).
     */
    Var op(String type, String name, TensorType outType, Object... params) {
        return opMulti(type, name, List.of(outType), params).get(0);
    }

    @SuppressWarnings("unchecked")
    List<Var> opMulti(String type, String name, List<TensorType> outTypes, Object... params) {
        TreeMap<String, List<Binding>> in = new TreeMap<>();
        for (int i = 0; i < params.length; i += 2) {
            Object p = params[i + 1];
            List<Binding> b = new ArrayList<>();
            if (p instanceof Var v) b.add(Binding.of(v.name()));
            else if (p instanceof ConstValue c) b.add(Binding.inline(c));
            else for (Var v : (List<Var>) p) b.add(Binding.of(v.name()));
            in.put((String) params[i], b);
        }
        List<Var> outs = new ArrayList<>();
        for (int i = 0; i < outTypes.size(); i++) {
            outs.add(new Var(outTypes.size() == 1 ? name : name + "_" + i, outTypes.get(i)));
        }
        ops.add(new Operation(type, name, in, outs, null));
        return outs;
    }

    Model build(Var... outputs) {
        List<String> names = new ArrayList<>();
        List<FeatureDescription> outFeatures = new ArrayList<>();
        for (Var v : outputs) {
            names.add(v.name());
            outFeatures.add(new FeatureDescription(v.name(), "", v.tensorType()));
        }
        Function main = new Function("main", inputs, opset.opsetName, new Block(List.of(), ops, names));
        TreeMap<String, Function> fns = new TreeMap<>();
        fns.put("main", main);
        return new Model(opset.specificationVersion, new ModelDescription(inputFeatures, outFeatures, List.of(), null),
                new Program(fns));
    }
}
