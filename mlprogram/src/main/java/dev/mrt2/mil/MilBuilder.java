package dev.mrt2.mil;

import dev.mrt2.mil.exec.ConvOps;
import dev.mrt2.mil.exec.ElementwiseOps;
import dev.mrt2.mil.exec.IndexingOps;
import dev.mrt2.mil.exec.LinearAlgebraOps;
import dev.mrt2.mil.exec.NormOps;
import dev.mrt2.mil.exec.ReductionOps;
import dev.mrt2.mil.exec.ShapeOps;
import dev.mrt2.mil.exec.StateOps;
import dev.mrt2.mil.exec.UnaryOps;
import dev.mrt2.safetensors.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Typed builder for a single-function ({@code main}) ML Program. Every op method checks its inputs and infers
 * its output type before the op is appended, so a shape error throws at the converter line that caused it:
 * {@code op 'l03_q' (linear): x last dim 512 != weight dim 1 (256)}.
 *
 * <p>Conventions (coreml-mlpackage.md §5): every literal parameter becomes a {@code const} op named
 * {@code <op>_<param>} bound by name; an op's single output value carries the op's name; constants with at
 * least 10 elements of a blob-able dtype go straight to the {@link WeightSink}.
 *
 * <p>Large weights: {@link #constantFloats} (a FloatBuffer, e.g. over a memory-mapped checkpoint, converted to
 * fp16/fp32 chunk by chunk), {@link #constantBuffer} (little-endian bytes passed as is) and {@link #constantStream}
 * (a producer writing pieces, e.g. rows of a transposed kernel) never copy the whole tensor onto the heap.
 */
public final class MilBuilder {
    /** Constants below this element count stay immediate (coreml-mlpackage.md §5.1). */
    public static final int BLOB_THRESHOLD = 10;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Opset opset;
    private final WeightSink weights;
    private final List<Var> inputs = new ArrayList<>();
    private final List<FeatureDescription> inputFeatures = new ArrayList<>();
    private final List<FeatureDescription> stateFeatures = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();
    private final List<FeatureDescription> outputFeatures = new ArrayList<>();
    private final List<Operation> operations = new ArrayList<>();
    private final Map<String, Var> values = new LinkedHashMap<>();
    private final Set<String> opNames = new HashSet<>();
    private final Set<String> constNames = new HashSet<>();
    private final Map<String, ConstValue> constValues = new HashMap<>();

    public MilBuilder(Opset opset, WeightSink weights) {
        this.opset = opset;
        this.weights = weights;
    }

    public Opset opset() {
        return opset;
    }

    // ---------------------------------------------------------------- function signature

    /** Declares a model input (rank >= 1); it lands in Function.inputs and ModelDescription.input. */
    public Var input(String name, TensorType type) {
        if (type.rank() == 0) {
            throw new MilException("input '" + name + "': model inputs need rank >= 1");
        }
        requireIoType(name, type);
        Var v = define(name, type);
        inputs.add(v);
        inputFeatures.add(new FeatureDescription(name, "", type));
        return v;
    }

    /** Declares an iOS 18 state (FP16, static shape); it lands in Function.inputs and ModelDescription.state. */
    public Var state(String name, TensorType wrapped) {
        if (opset.compareTo(Opset.IOS18) < 0) {
            throw new MilException("state '" + name + "' needs opset CoreML8 (iOS 18), builder targets " + opset.opsetName);
        }
        if (wrapped.dataType() != DataType.FLOAT16) {
            throw new MilException("state '" + name + "': Core ML states must be fp16, got " + wrapped);
        }
        Var v = define(name, new StateType(wrapped));
        inputs.add(v);
        stateFeatures.add(new FeatureDescription(name, "", wrapped));
        return v;
    }

    /** Declares a model output. If {@code value} is named differently, an {@code identity} named {@code name} is added. */
    public Var output(String name, Var value) {
        TensorType type = value.tensorType();
        requireIoType(name, type);
        Var out = value.name().equals(name) ? value : identity(name, value);
        if (outputNames.contains(name)) {
            throw new MilException("output '" + name + "' declared twice");
        }
        outputNames.add(name);
        outputFeatures.add(new FeatureDescription(name, "", type));
        return out;
    }

    /** The finished model: spec version and opset from the builder's target, single function {@code main}. */
    public Model build(Metadata metadata) {
        if (outputNames.isEmpty()) {
            throw new MilException("program has no outputs");
        }
        Block block = new Block(List.of(), operations, outputNames);
        Function main = new Function("main", inputs, opset.opsetName, block);
        TreeMap<String, Function> functions = new TreeMap<>();
        functions.put("main", main);
        ModelDescription description = new ModelDescription(inputFeatures, outputFeatures, stateFeatures, metadata);
        return new Model(opset.specificationVersion, description, new Program(functions));
    }

    /** The operations appended so far, in order (a read-only view). */
    public List<Operation> operations() {
        return java.util.Collections.unmodifiableList(operations);
    }

    /** Looks up a defined value by name. */
    public Var value(String name) {
        Var v = values.get(name);
        if (v == null) {
            throw new MilException("no value named '" + name + "'");
        }
        return v;
    }

    // ---------------------------------------------------------------- constants

    /** A float constant of {@code type} (fp16 values are rounded to nearest even); large ones go to weight.bin. */
    public Var constant(String name, TensorType type, float[] values) {
        checkCount(name, type, values.length);
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(type.elementCount() * type.dataType().byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (type.dataType()) {
            case FLOAT16 -> { for (float f : values) buf.putShort(Float16.fromFloat(f)); }
            case FLOAT32 -> { for (float f : values) buf.putFloat(f); }
            default -> throw new MilException("const '" + name + "': float data for " + type);
        }
        return constantBytes(name, type, buf.array());
    }

    /** An int32 constant. */
    public Var constantInts(String name, TensorType type, int[] values) {
        checkCount(name, type, values.length);
        if (type.dataType() != DataType.INT32) {
            throw new MilException("const '" + name + "': int data for " + type);
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) buf.putInt(v);
        return constantBytes(name, type, buf.array());
    }

    /** A bool constant (one byte per element in our in-memory form). */
    public Var constantBools(String name, TensorType type, boolean[] values) {
        checkCount(name, type, values.length);
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) bytes[i] = (byte) (values[i] ? 1 : 0);
        return constantBytes(name, type.withDataType(DataType.BOOL), bytes);
    }

    /** A rank-0 string constant (dtype names, pad types, modes). */
    public Var constantString(String name, String value) {
        TensorType type = TensorType.scalar(DataType.STRING);
        return addConst(name, new ConstValue.Immediate(type, value.getBytes(StandardCharsets.UTF_8), List.of(value)));
    }

    public Var scalar(String name, DataType dtype, float value) {
        return constant(name, TensorType.scalar(dtype), new float[] {value});
    }

    public Var scalarInt(String name, int value) {
        return constantInts(name, TensorType.scalar(DataType.INT32), new int[] {value});
    }

    public Var scalarBool(String name, boolean value) {
        return constantBools(name, TensorType.scalar(DataType.BOOL), new boolean[] {value});
    }

    public Var ints(String name, int... values) {
        return constantInts(name, TensorType.of(DataType.INT32, values.length), values);
    }

    public Var bools(String name, boolean... values) {
        return constantBools(name, TensorType.of(DataType.BOOL, values.length), values);
    }

    /** Raw little-endian element bytes; goes to weight.bin when the rule of §5.1 says so. */
    public Var constantBytes(String name, TensorType type, byte[] littleEndian) {
        long expected = type.elementCount() * Math.max(1, type.dataType().byteSize());
        if (littleEndian.length != expected) {
            throw new MilException("const '" + name + "': " + littleEndian.length + " bytes for " + type
                    + " (expected " + expected + ")");
        }
        return constantBuffer(name, type, ByteBuffer.wrap(littleEndian));
    }

    /**
     * A constant from little-endian element bytes that are not copied when the constant goes to weight.bin: pass a
     * slice of a memory-mapped checkpoint and the bytes travel from the mapping to the file. Small constants are
     * copied into the program.
     */
    public Var constantBuffer(String name, TensorType type, ByteBuffer littleEndian) {
        long expected = type.elementCount() * type.dataType().byteSize();
        if (type.dataType() == DataType.STRING || littleEndian.remaining() != expected) {
            throw new MilException("const '" + name + "': " + littleEndian.remaining() + " bytes for " + type
                    + " (expected " + expected + ")");
        }
        ByteBuffer view = littleEndian.duplicate();
        return constantStream(name, type, w -> w.write(view));
    }

    /**
     * A float constant streamed from {@code values} (for example {@code mapped.asFloatBuffer()} of a checkpoint
     * tensor) and converted chunk by chunk to the constant's dtype (fp16 rounds to nearest even), so no full-size
     * array is ever allocated.
     */
    public Var constantFloats(String name, TensorType type, FloatBuffer values) {
        if (values.remaining() != type.elementCount()) {
            throw new MilException("const '" + name + "': " + values.remaining() + " values for " + type
                    + " (" + type.elementCount() + " elements)");
        }
        FloatBuffer view = values.duplicate();
        return constantStream(name, type, w -> w.writeFloats(view));
    }

    /**
     * A constant whose element bytes {@code producer} hands over in pieces, in row-major order (e.g. one row of a
     * transposed kernel at a time). Constants that go to weight.bin are streamed straight to disk; the producer
     * must deliver exactly the type's byte count.
     */
    public Var constantStream(String name, TensorType type, Consumer<WeightChunkWriter> producer) {
        requireFreshName(name);
        if (type.dataType() == DataType.STRING) {
            throw new MilException("const '" + name + "': strings cannot be streamed; use constantString");
        }
        if (goesToBlob(type)) {
            long offset;
            try {
                offset = weights.append(type, producer);
            } catch (MilException e) {
                throw new MilException("const '" + name + "': " + e.getMessage(), e);
            }
            return addConst(name, new ConstValue.Blob(type, weights.fileName(), offset, weights));
        }
        ByteBuffer collected = ByteBuffer.allocate(Math.toIntExact(type.elementCount() * type.dataType().byteSize()));
        EncodingChunkWriter writer = new EncodingChunkWriter(type) {
            @Override
            protected void deliver(ByteBuffer bytes) {
                collected.put(bytes);
            }
        };
        try {
            producer.accept(writer);
            writer.checkComplete();
        } catch (MilException e) {
            throw new MilException("const '" + name + "': " + e.getMessage(), e);
        }
        return addConst(name, new ConstValue.Immediate(type, collected.array(), null));
    }

    /** Whether a constant of {@code type} is stored in weight.bin (coreml-mlpackage.md §5.1). */
    public boolean isBlobBacked(TensorType type) {
        return goesToBlob(type);
    }

    // Checked before a blob is streamed, so a bad name never leaves an orphan blob behind.
    private void requireFreshName(String name) {
        checkName(name);
        if (values.containsKey(name) || opNames.contains(name)) {
            throw new MilException("const '" + name + "': name already used");
        }
    }

    private boolean goesToBlob(TensorType type) {
        if (type.rank() == 0 || type.elementCount() < BLOB_THRESHOLD) {
            return false;
        }
        return switch (type.dataType()) {
            case FLOAT16, FLOAT32, UINT8, INT8 -> true;
            case INT16, UINT16, INT32, UINT32 -> opset.specificationVersion >= 9;
            default -> false;
        };
    }

    private Var addConst(String name, ConstValue value) {
        checkName(name);
        Var out = define(name, value.type());
        append(new Operation("const", name, new TreeMap<>(), List.of(out), value));
        constNames.add(name);
        constValues.put(name, value);
        return out;
    }

    /** The value of the constant {@code name} this builder added (a blob names its offset in weight.bin), or null. */
    public ConstValue constValue(String name) {
        return constValues.get(name);
    }

    private static void checkCount(String name, TensorType type, int count) {
        if (type.elementCount() != count) {
            throw new MilException("const '" + name + "': " + count + " values for " + type
                    + " (" + type.elementCount() + " elements)");
        }
    }

    // ---------------------------------------------------------------- elementwise
    // Output types come from the op families' rules in dev.mrt2.mil.exec (where each op's parameters and kernel are
    // defined too); this class adds the literal parameters as constants and the checks that need the builder's state.

    public Var add(String name, Var x, Var y) { return binary("add", name, x, y, false); }
    public Var sub(String name, Var x, Var y) { return binary("sub", name, x, y, false); }
    public Var mul(String name, Var x, Var y) { return binary("mul", name, x, y, false); }
    public Var realDiv(String name, Var x, Var y) { return binary("real_div", name, x, y, false); }
    public Var pow(String name, Var x, Var y) { return binary("pow", name, x, y, false); }
    public Var maximum(String name, Var x, Var y) { return binary("maximum", name, x, y, false); }
    public Var minimum(String name, Var x, Var y) { return binary("minimum", name, x, y, false); }
    public Var equal(String name, Var x, Var y) { return binary("equal", name, x, y, true); }
    public Var greater(String name, Var x, Var y) { return binary("greater", name, x, y, true); }
    public Var greaterEqual(String name, Var x, Var y) { return binary("greater_equal", name, x, y, true); }
    public Var less(String name, Var x, Var y) { return binary("less", name, x, y, true); }
    public Var lessEqual(String name, Var x, Var y) { return binary("less_equal", name, x, y, true); }
    public Var notEqual(String name, Var x, Var y) { return binary("not_equal", name, x, y, true); }
    public Var floorDiv(String name, Var x, Var y) { return binary("floor_div", name, x, y, false); }
    public Var mod(String name, Var x, Var y) { return binary("mod", name, x, y, false); }

    /** {@code x * s} with a scalar literal of x's dtype. */
    public Var mul(String name, Var x, float s) { return mul(name, x, scalar(name + "_y", x.tensorType().dataType(), s)); }
    public Var add(String name, Var x, float s) { return add(name, x, scalar(name + "_y", x.tensorType().dataType(), s)); }

    private Var binary(String op, String name, Var x, Var y, boolean boolResult) {
        TensorType out = typed(name, op, () -> ElementwiseOps.binaryType(x, y, boolResult));
        return emit(op, name, args("x", x, "y", y), out);
    }

    public Var logicalAnd(String name, Var x, Var y) { return logical("logical_and", name, x, y); }
    public Var logicalOr(String name, Var x, Var y) { return logical("logical_or", name, x, y); }
    public Var logicalXor(String name, Var x, Var y) { return logical("logical_xor", name, x, y); }

    private Var logical(String op, String name, Var x, Var y) {
        return emit(op, name, args("x", x, "y", y), typed(name, op, () -> ElementwiseOps.logicalType(x, y)));
    }

    public Var logicalNot(String name, Var x) {
        return emit("logical_not", name, args("x", x), typed(name, "logical_not", () -> ElementwiseOps.logicalNotType(x)));
    }

    public Var exp(String name, Var x) { return unaryFloat("exp", name, x); }
    public Var sqrt(String name, Var x) { return unaryFloat("sqrt", name, x); }
    public Var tanh(String name, Var x) { return unaryFloat("tanh", name, x); }
    public Var relu(String name, Var x) { return unaryFloat("relu", name, x); }
    public Var sigmoid(String name, Var x) { return unaryFloat("sigmoid", name, x); }
    public Var softplus(String name, Var x) { return unaryFloat("softplus", name, x); }
    public Var abs(String name, Var x) { return unaryNumeric("abs", name, x); }
    public Var square(String name, Var x) { return unaryNumeric("square", name, x); }
    public Var sign(String name, Var x) { return unaryNumeric("sign", name, x); }
    public Var exp2(String name, Var x) { return unaryNumeric("exp2", name, x); }
    public Var silu(String name, Var x) { return unaryFloat("silu", name, x); }
    public Var erf(String name, Var x) { return unaryFloat("erf", name, x); }
    public Var sin(String name, Var x) { return unaryFloat("sin", name, x); }
    public Var cos(String name, Var x) { return unaryFloat("cos", name, x); }
    public Var floor(String name, Var x) { return unaryFloat("floor", name, x); }
    public Var ceil(String name, Var x) { return unaryFloat("ceil", name, x); }
    public Var round(String name, Var x) { return unaryFloat("round", name, x); }

    private Var unaryFloat(String op, String name, Var x) {
        return emit(op, name, args("x", x), typed(name, op, () -> UnaryOps.unaryFloatType(x)));
    }

    /** {@code 1 / (x + epsilon)}. */
    public Var inverse(String name, Var x, float epsilon) {
        return floatWithScalar("inverse", name, x, "epsilon", epsilon);
    }

    /** {@code x >= 0 ? x : alpha * x}. */
    public Var leakyRelu(String name, Var x, float alpha) {
        return floatWithScalar("leaky_relu", name, x, "alpha", alpha);
    }

    /** {@code 1 / sqrt(x + epsilon)}. */
    public Var rsqrt(String name, Var x, float epsilon) {
        return floatWithScalar("rsqrt", name, x, "epsilon", epsilon);
    }

    /** Natural log with MIL's epsilon: {@code log(x + epsilon)}. */
    public Var log(String name, Var x, float epsilon) {
        return floatWithScalar("log", name, x, "epsilon", epsilon);
    }

    /** {@code x > 0 ? x : alpha * (exp(x) - 1)}. */
    public Var elu(String name, Var x, float alpha) {
        return floatWithScalar("elu", name, x, "alpha", alpha);
    }

    /** A float-only elementwise op with one scalar parameter of x's dtype. */
    private Var floatWithScalar(String op, String name, Var x, String param, float value) {
        TensorType out = typed(name, op, () -> UnaryOps.unaryFloatType(x));
        Var v = scalar(name + "_" + param, x.tensorType().dataType(), value);
        return emit(op, name, args("x", x, param, v), out);
    }

    /** GELU; {@code mode} is EXACT, TANH_APPROXIMATION or SIGMOID_APPROXIMATION. */
    public Var gelu(String name, Var x, String mode) {
        TensorType out = typed(name, "gelu", () -> UnaryOps.geluType(x, mode));
        return emit("gelu", name, args("x", x, "mode", constantString(name + "_mode", mode)), out);
    }

    public Var clip(String name, Var x, float alpha, float beta) {
        TensorType out = typed(name, "clip", () -> UnaryOps.clipType(x, alpha, beta));
        DataType dt = x.tensorType().dataType();
        return emit("clip", name, args("x", x, "alpha", scalar(name + "_alpha", dt, alpha),
                "beta", scalar(name + "_beta", dt, beta)), out);
    }

    public Var softmax(String name, Var x, int axis) {
        TensorType out = typed(name, "softmax", () -> ReductionOps.softmaxType(x, axis));
        return emit("softmax", name, args("x", x, "axis", scalarInt(name + "_axis", axis)), out);
    }

    public Var identity(String name, Var x) {
        return emit("identity", name, args("x", x), x.tensorType());
    }

    /** Element type conversion; {@code dtype} is one of fp16, fp32, int32, bool. */
    public Var cast(String name, Var x, DataType dtype) {
        TensorType out = typed(name, "cast", () -> UnaryOps.castType(x, dtype));
        return emit("cast", name, args("x", x, "dtype", constantString(name + "_dtype", dtype.milName)), out);
    }

    // ---------------------------------------------------------------- reductions

    public Var reduceMean(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_mean", name, x, axes, keepDims); }
    public Var reduceSum(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_sum", name, x, axes, keepDims); }
    public Var reduceMax(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_max", name, x, axes, keepDims); }
    public Var reduceMin(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_min", name, x, axes, keepDims); }
    public Var reduceProd(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_prod", name, x, axes, keepDims); }
    public Var reduceSumSquare(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_sum_square", name, x, axes, keepDims); }
    public Var reduceL2Norm(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_l2_norm", name, x, axes, keepDims); }
    public Var reduceLogSumExp(String name, Var x, int[] axes, boolean keepDims) { return reduce("reduce_log_sum_exp", name, x, axes, keepDims); }

    private Var reduce(String op, String name, Var x, int[] axes, boolean keepDims) {
        TensorType out = typed(name, op, () -> ReductionOps.reduceType(x, axes, keepDims));
        return emit(op, name, args("x", x, "axes", ints(name + "_axes", axes), "keep_dims",
                scalarBool(name + "_keep_dims", keepDims)), out);
    }

    /** Index of the maximum along {@code axis}, int32. */
    public Var reduceArgmax(String name, Var x, int axis, boolean keepDims) {
        return argReduce("reduce_argmax", name, x, axis, keepDims);
    }

    /** Index of the minimum along {@code axis}, int32. */
    public Var reduceArgmin(String name, Var x, int axis, boolean keepDims) {
        return argReduce("reduce_argmin", name, x, axis, keepDims);
    }

    private Var argReduce(String op, String name, Var x, int axis, boolean keepDims) {
        TensorType out = typed(name, op, () -> ReductionOps.argReduceType(x, axis, keepDims));
        return emit(op, name, args("x", x, "axis", scalarInt(name + "_axis", axis), "keep_dims",
                scalarBool(name + "_keep_dims", keepDims)), out);
    }

    // ---------------------------------------------------------------- linear algebra

    /** {@code x · weightᵀ + bias}; weight {@code [D_out, D_in]} and bias {@code [D_out]} must be const. */
    public Var linear(String name, Var x, Var weight, Var bias) {
        requireConst(name, "linear", "weight", weight);
        if (bias != null) requireConst(name, "linear", "bias", bias);
        TensorType out = typed(name, "linear", () -> LinearAlgebraOps.linearType(x, weight, bias));
        Map<String, Object> a = args("x", x, "weight", weight);
        if (bias != null) a.put("bias", bias);
        return emit("linear", name, a, out);
    }

    /** NumPy matmul with optional transposes of the last two axes; batch dims broadcast. */
    public Var matmul(String name, Var x, Var y, boolean transposeX, boolean transposeY) {
        TensorType out = typed(name, "matmul", () -> LinearAlgebraOps.matmulType(x, y, transposeX, transposeY));
        return emit("matmul", name, args("x", x, "y", y, "transpose_x", scalarBool(name + "_transpose_x", transposeX),
                "transpose_y", scalarBool(name + "_transpose_y", transposeY)), out);
    }

    // ---------------------------------------------------------------- shape ops

    /** Reshape to a fully specified static shape (no -1 or 0 entries, so the type is explicit). */
    public Var reshape(String name, Var x, long... shape) {
        TensorType out = typed(name, "reshape", () -> ShapeOps.reshapeType(x, shape));
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
        return emit("reshape", name, args("x", x, "shape", ints(name + "_shape", s)), out);
    }

    public Var transpose(String name, Var x, int... perm) {
        TensorType out = typed(name, "transpose", () -> ShapeOps.transposeType(x, perm));
        return emit("transpose", name, args("x", x, "perm", ints(name + "_perm", perm)), out);
    }

    public Var concat(String name, int axis, Var... values) {
        TensorType out = typed(name, "concat", () -> ShapeOps.concatType(axis, values));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("values", List.of(values));
        a.put("axis", scalarInt(name + "_axis", axis));
        a.put("interleave", scalarBool(name + "_interleave", false));
        return emit("concat", name, a, out);
    }

    /** Splits along {@code axis} into pieces of the given sizes; outputs are named {@code <name>_0 ...}. */
    public List<Var> split(String name, Var x, int axis, int... sizes) {
        List<TensorType> outs = typedList(name, "split", () -> ShapeOps.splitTypes(x, axis, sizes));
        return emitMulti("split", name, args("x", x, "split_sizes", ints(name + "_split_sizes", sizes),
                "axis", scalarInt(name + "_axis", axis)), outs);
    }

    /** {@code x[begin:end]} per axis (static, stride 1; negative indices count from the end). */
    public Var sliceByIndex(String name, Var x, int[] begin, int[] end) {
        TensorType out = typed(name, "slice_by_index", () -> IndexingOps.sliceByIndexType(x, begin, end, null));
        return emit("slice_by_index", name, args("x", x, "begin", ints(name + "_begin", begin),
                "end", ints(name + "_end", end)), out);
    }

    /** {@code x[begin:end:stride]} per axis (static, positive strides; negative begin/end count from the end). */
    public Var sliceByIndex(String name, Var x, int[] begin, int[] end, int[] stride) {
        TensorType out = typed(name, "slice_by_index", () -> IndexingOps.sliceByIndexType(x, begin, end, stride));
        return emit("slice_by_index", name, args("x", x, "begin", ints(name + "_begin", begin),
                "end", ints(name + "_end", end), "stride", ints(name + "_stride", stride)), out);
    }

    /** {@code x[begin : begin + size]} per axis; a size of -1 runs to the end of the axis. */
    public Var sliceBySize(String name, Var x, int[] begin, int[] size) {
        TensorType out = typed(name, "slice_by_size", () -> IndexingOps.sliceBySizeType(x, begin, size));
        return emit("slice_by_size", name, args("x", x, "begin", ints(name + "_begin", begin),
                "size", ints(name + "_size", size)), out);
    }

    /**
     * iOS 18: {@code x} with {@code x[begin:end]} replaced by {@code update} (stride 1), e.g. writing one row of a
     * cache before {@code write_state}.
     */
    public Var sliceUpdate(String name, Var x, Var update, int[] begin, int[] end) {
        requireOpset(name, "slice_update", Opset.IOS18);
        TensorType out = typed(name, "slice_update", () -> IndexingOps.sliceUpdateType(x, update, begin, end));
        return emit("slice_update", name, args("x", x, "update", update, "begin", ints(name + "_begin", begin),
                "end", ints(name + "_end", end)), out);
    }

    /** Takes {@code x} values along {@code axis} at int32 {@code indices} of the same rank; output has the indices' shape. */
    public Var gatherAlongAxis(String name, Var x, Var indices, int axis) {
        TensorType out = typed(name, "gather_along_axis", () -> IndexingOps.gatherAlongAxisType(x, indices, axis));
        return emit("gather_along_axis", name, args("x", x, "indices", indices, "axis", scalarInt(name + "_axis", axis)),
                out);
    }

    /** Running sum along {@code axis}. */
    public Var cumsum(String name, Var x, int axis, boolean exclusive, boolean reverse) {
        TensorType out = typed(name, "cumsum", () -> ReductionOps.cumsumType(x, axis));
        return emit("cumsum", name, args("x", x, "axis", scalarInt(name + "_axis", axis),
                "exclusive", scalarBool(name + "_exclusive", exclusive), "reverse", scalarBool(name + "_reverse", reverse)),
                out);
    }

    public Var expandDims(String name, Var x, int... axes) {
        TensorType out = typed(name, "expand_dims", () -> ShapeOps.expandDimsType(x, axes));
        return emit("expand_dims", name, args("x", x, "axes", ints(name + "_axes", axes)), out);
    }

    public Var squeeze(String name, Var x, int... axes) {
        TensorType out = typed(name, "squeeze", () -> ShapeOps.squeezeType(x, axes));
        return emit("squeeze", name, args("x", x, "axes", ints(name + "_axes", axes)), out);
    }

    public Var tile(String name, Var x, int... reps) {
        TensorType out = typed(name, "tile", () -> ShapeOps.tileType(x, reps));
        return emit("tile", name, args("x", x, "reps", ints(name + "_reps", reps)), out);
    }

    /** Constant padding of the last {@code pads.length / 2} axes, pairs (before, after). */
    public Var pad(String name, Var x, int[] pads, float value) {
        TensorType out = typed(name, "pad", () -> ShapeOps.padType(x, pads));
        return emit("pad", name, args("x", x, "pad", ints(name + "_pad", pads), "mode", constantString(name + "_mode", "constant"),
                "constant_val", scalar(name + "_constant_val", x.tensorType().dataType(), value)), out);
    }

    public Var select(String name, Var cond, Var a, Var b) {
        TensorType out = typed(name, "select", () -> ElementwiseOps.selectType(cond, a, b));
        return emit("select", name, args("cond", cond, "a", a, "b", b), out);
    }

    /** Gathers slices of {@code x} along {@code axis} at int32 {@code indices}. */
    public Var gather(String name, Var x, Var indices, int axis) {
        TensorType out = typed(name, "gather", () -> IndexingOps.gatherType(x, indices, axis));
        Map<String, Object> a = args("x", x, "indices", indices, "axis", scalarInt(name + "_axis", axis));
        if (opset.compareTo(Opset.IOS16) >= 0) {
            a.put("batch_dims", scalarInt(name + "_batch_dims", 0));   // parameter exists from iOS16 on
        }
        return emit("gather", name, a, out);
    }

    /** Top-k values and int32 indices along {@code axis} (descending, sorted). Outputs {@code <name>_0}, {@code <name>_1}. */
    public List<Var> topk(String name, Var x, int k, int axis) {
        List<TensorType> outs = typedList(name, "topk", () -> IndexingOps.topkTypes(x, k, axis));
        return emitMulti("topk", name, args("x", x, "k", scalarInt(name + "_k", k), "axis", scalarInt(name + "_axis", axis),
                "ascending", scalarBool(name + "_ascending", false)), outs);
    }

    // ---------------------------------------------------------------- convolution and normalization

    /**
     * 2-D (or 1-D/3-D) convolution, NC* layout, custom padding {@code pad = [before0, after0, before1, after1 ...]}.
     * weight {@code [C_out, C_in / groups, *K]} const; bias {@code [C_out]} const or null.
     */
    public Var conv(String name, Var x, Var weight, Var bias, int[] strides, int[] pad, int[] dilations, int groups) {
        requireConst(name, "conv", "weight", weight);
        if (bias != null) requireConst(name, "conv", "bias", bias);
        TensorType out = typed(name, "conv", () -> ConvOps.convType(x, weight, bias, strides, pad, dilations, groups));
        Map<String, Object> a = args("x", x, "weight", weight, "strides", ints(name + "_strides", strides),
                "pad_type", constantString(name + "_pad_type", "custom"), "pad", ints(name + "_pad", pad),
                "dilations", ints(name + "_dilations", dilations), "groups", scalarInt(name + "_groups", groups));
        if (bias != null) a.put("bias", bias);
        return emit("conv", name, a, out);
    }

    /**
     * Transposed convolution, NC* layout, weight {@code [C_in, C_out / groups, *K]} const; output size per axis
     * {@code (D_in - 1) * stride + K - before - after} (custom padding crops the full output).
     */
    public Var convTranspose(String name, Var x, Var weight, Var bias, int[] strides, int[] pad, int groups) {
        requireConst(name, "conv_transpose", "weight", weight);
        if (bias != null) requireConst(name, "conv_transpose", "bias", bias);
        TensorType out = typed(name, "conv_transpose",
                () -> ConvOps.convTransposeType(x, weight, bias, strides, pad, groups));
        int[] dilations = new int[out.rank() - 2];
        Arrays.fill(dilations, 1);
        Map<String, Object> a = args("x", x, "weight", weight, "strides", ints(name + "_strides", strides),
                "pad_type", constantString(name + "_pad_type", "custom"), "pad", ints(name + "_pad", pad),
                "dilations", ints(name + "_dilations", dilations), "groups", scalarInt(name + "_groups", groups));
        if (bias != null) a.put("bias", bias);
        return emit("conv_transpose", name, a, out);
    }

    /** Layer norm over {@code axes}: {@code (x - mean) / sqrt(var + eps) * gamma + beta}; gamma/beta const or null. */
    public Var layerNorm(String name, Var x, int[] axes, Var gamma, Var beta, float epsilon) {
        TensorType out = typed(name, "layer_norm", () -> NormOps.layerNormType(x));
        Map<String, Object> a = args("x", x, "axes", ints(name + "_axes", axes),
                "epsilon", scalar(name + "_epsilon", x.tensorType().dataType(), epsilon));
        if (gamma != null) { requireConst(name, "layer_norm", "gamma", gamma); a.put("gamma", gamma); }
        if (beta != null) { requireConst(name, "layer_norm", "beta", beta); a.put("beta", beta); }
        return emit("layer_norm", name, a, out);
    }

    /** Batch norm over channel axis 1 of {@code [N, C, *D]}; mean/variance (and gamma/beta, or null) are const {@code [C]}. */
    public Var batchNorm(String name, Var x, Var mean, Var variance, Var gamma, Var beta, float epsilon) {
        String[] params = {"mean", "variance", "gamma", "beta"};
        Var[] vars = {mean, variance, gamma, beta};
        for (int i = 0; i < params.length; i++) {
            if (vars[i] != null) requireConst(name, "batch_norm", "bias", vars[i]);
        }
        TensorType out = typed(name, "batch_norm", () -> NormOps.batchNormType(x, vars));
        Map<String, Object> a = args("x", x);
        for (int i = 0; i < params.length; i++) {
            if (vars[i] != null) a.put(params[i], vars[i]);
        }
        a.put("epsilon", scalar(name + "_epsilon", out.dataType(), epsilon));
        return emit("batch_norm", name, a, out);
    }

    /** Instance norm over the spatial axes of {@code [N, C, *D]}; gamma/beta const {@code [C]} or null. */
    public Var instanceNorm(String name, Var x, Var gamma, Var beta, float epsilon) {
        if (gamma != null) requireConst(name, "instance_norm", "bias", gamma);
        if (beta != null) requireConst(name, "instance_norm", "bias", beta);
        TensorType out = typed(name, "instance_norm", () -> NormOps.instanceNormType(x, gamma, beta));
        Map<String, Object> a = args("x", x);
        if (gamma != null) a.put("gamma", gamma);
        if (beta != null) a.put("beta", beta);
        a.put("epsilon", scalar(name + "_epsilon", out.dataType(), epsilon));
        return emit("instance_norm", name, a, out);
    }

    /**
     * iOS 18 fused attention: {@code softmax(q kᵀ / sqrt(E) + mask) v} with q {@code [*B, L, E]}, k {@code [*B, S, E]},
     * v {@code [*B, S, E_v]}; {@code mask} (bool or q's dtype, broadcastable to {@code [*B, L, S]}) may be null.
     */
    public Var scaledDotProductAttention(String name, Var query, Var key, Var value, Var mask) {
        String op = "scaled_dot_product_attention";
        requireOpset(name, op, Opset.IOS18);
        TensorType out = typed(name, op, () -> LinearAlgebraOps.attentionType(query, key, value, mask));
        Map<String, Object> a = args("query", query, "key", key, "value", value);
        if (mask != null) a.put("attn_mask", mask);
        return emit(op, name, a, out);
    }

    // ---------------------------------------------------------------- state (iOS 18)

    public Var readState(String name, Var state) {
        return emit("read_state", name, args("input", state), typed(name, "read_state", () -> StateOps.readStateType(state)));
    }

    /** {@code write_state(input, data)}: no outputs; {@code data} must have exactly the wrapped type. */
    public void writeState(String name, Var state, Var data) {
        typed(name, "write_state", () -> {
            StateOps.checkWriteState(state, data);
            return null;
        });
        emitMulti("write_state", name, args("input", state, "data", data), List.of());
    }

    /** Applies an op family's output-type rule; a broken rule names this op. */
    private static TensorType typed(String name, String op, Supplier<TensorType> rule) {
        try {
            return rule.get();
        } catch (MilException e) {
            throw opError(name, op, e.getMessage());
        }
    }

    private static List<TensorType> typedList(String name, String op, Supplier<List<TensorType>> rule) {
        try {
            return rule.get();
        } catch (MilException e) {
            throw opError(name, op, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Builds an ordered parameter map from alternating name / Var (or List of Var for variadic) pairs. */
    private static Map<String, Object> args(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
        return m;
    }

    private Var emit(String type, String name, Map<String, Object> params, TensorType out) {
        return emitMulti(type, name, params, List.of(out)).get(0);
    }

    @SuppressWarnings("unchecked")
    private List<Var> emitMulti(String type, String name, Map<String, Object> params, List<TensorType> outTypes) {
        checkName(name);
        TreeMap<String, List<Binding>> inputs = new TreeMap<>();
        for (Map.Entry<String, Object> e : params.entrySet()) {
            List<Var> vars = e.getValue() instanceof List<?> l ? (List<Var>) l : List.of((Var) e.getValue());
            List<Binding> bindings = new ArrayList<>();
            for (Var v : vars) {
                if (values.get(v.name()) != v && !v.equals(values.get(v.name()))) {
                    throw opError(name, type, "parameter '" + e.getKey() + "' uses undefined value '" + v.name() + "'");
                }
                bindings.add(Binding.of(v.name()));
            }
            inputs.put(e.getKey(), bindings);
        }
        List<Var> outs = new ArrayList<>();
        for (int i = 0; i < outTypes.size(); i++) {
            String outName = outTypes.size() == 1 ? name : name + "_" + i;
            outs.add(define(outName, outTypes.get(i)));
        }
        append(new Operation(type, name, inputs, outs, null));
        return outs;
    }

    private void append(Operation op) {
        if (!opNames.add(op.name())) {
            throw new MilException("op name '" + op.name() + "' used twice");
        }
        operations.add(op);
    }

    private Var define(String name, ValueType type) {
        checkName(name);
        if (values.containsKey(name)) {
            throw new MilException("value name '" + name + "' defined twice");
        }
        Var v = new Var(name, type);
        values.put(name, v);
        return v;
    }

    private static void checkName(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new MilException("'" + name + "' is not a valid MIL identifier ([A-Za-z_][A-Za-z0-9_]*)");
        }
    }

    private void requireConst(String name, String op, String param, Var v) {
        if (constNames.contains(v.name())) {
            return;
        }
        throw opError(name, op, "parameter '" + param + "' must be a const, got '" + v.name() + "'");
    }

    private static void requireIoType(String name, TensorType type) {
        if (type.dataType().arrayDataType == 0) {
            throw new MilException("model I/O '" + name + "' has dtype " + type.dataType().milName
                    + "; allowed: fp32, fp16, int32");
        }
    }

    private Var unaryNumeric(String op, String name, Var x) {
        DataType dt = x.tensorType().dataType();
        if (dt != DataType.FLOAT16 && dt != DataType.FLOAT32 && dt != DataType.INT32) {
            throw opError(name, op, "x must be fp16, fp32 or int32, got " + x.tensorType());
        }
        return emit(op, name, args("x", x), x.tensorType());
    }

    private void requireOpset(String name, String op, Opset needed) {
        if (opset.compareTo(needed) < 0) {
            throw opError(name, op, "needs opset " + needed.opsetName + ", builder targets " + opset.opsetName);
        }
    }

    private static MilException opError(String name, String op, String problem) {
        return new MilException("op '" + name + "' (" + op + "): " + problem);
    }
}
