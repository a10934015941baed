package dev.mrt2.mil;

import dev.mrt2.safetensors.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
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
        return out;
    }

    private static void checkCount(String name, TensorType type, int count) {
        if (type.elementCount() != count) {
            throw new MilException("const '" + name + "': " + count + " values for " + type
                    + " (" + type.elementCount() + " elements)");
        }
    }

    // ---------------------------------------------------------------- elementwise

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
        TensorType tx = x.tensorType();
        TensorType ty = y.tensorType();
        if (tx.dataType() != ty.dataType()) {
            throw opError(name, op, "x " + tx + " and y " + ty + " differ in dtype (insert a cast)");
        }
        List<Long> shape = broadcast(name, op, tx.shape(), ty.shape());
        DataType out = boolResult ? DataType.BOOL : tx.dataType();
        return emit(op, name, args("x", x, "y", y), new TensorType(out, shape));
    }

    public Var logicalAnd(String name, Var x, Var y) {
        requireDtype(name, "logical_and", x, DataType.BOOL);
        requireDtype(name, "logical_and", y, DataType.BOOL);
        return emit("logical_and", name, args("x", x, "y", y),
                new TensorType(DataType.BOOL, broadcast(name, "logical_and", x.tensorType().shape(), y.tensorType().shape())));
    }

    public Var logicalOr(String name, Var x, Var y) { return logical("logical_or", name, x, y); }
    public Var logicalXor(String name, Var x, Var y) { return logical("logical_xor", name, x, y); }

    private Var logical(String op, String name, Var x, Var y) {
        requireDtype(name, op, x, DataType.BOOL);
        requireDtype(name, op, y, DataType.BOOL);
        return emit(op, name, args("x", x, "y", y),
                new TensorType(DataType.BOOL, broadcast(name, op, x.tensorType().shape(), y.tensorType().shape())));
    }

    public Var logicalNot(String name, Var x) {
        requireDtype(name, "logical_not", x, DataType.BOOL);
        return emit("logical_not", name, args("x", x), x.tensorType());
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

    /** {@code 1 / (x + epsilon)}. */
    public Var inverse(String name, Var x, float epsilon) {
        requireFloat(name, "inverse", x);
        Var eps = scalar(name + "_epsilon", x.tensorType().dataType(), epsilon);
        return emit("inverse", name, args("x", x, "epsilon", eps), x.tensorType());
    }

    /** {@code x >= 0 ? x : alpha * x}. */
    public Var leakyRelu(String name, Var x, float alpha) {
        requireFloat(name, "leaky_relu", x);
        Var a = scalar(name + "_alpha", x.tensorType().dataType(), alpha);
        return emit("leaky_relu", name, args("x", x, "alpha", a), x.tensorType());
    }

    /** {@code 1 / sqrt(x + epsilon)}. */
    public Var rsqrt(String name, Var x, float epsilon) {
        requireFloat(name, "rsqrt", x);
        Var eps = scalar(name + "_epsilon", x.tensorType().dataType(), epsilon);
        return emit("rsqrt", name, args("x", x, "epsilon", eps), x.tensorType());
    }

    /** Natural log with MIL's epsilon: {@code log(x + epsilon)}. */
    public Var log(String name, Var x, float epsilon) {
        requireFloat(name, "log", x);
        Var eps = scalar(name + "_epsilon", x.tensorType().dataType(), epsilon);
        return emit("log", name, args("x", x, "epsilon", eps), x.tensorType());
    }

    /** {@code x > 0 ? x : alpha * (exp(x) - 1)}. */
    public Var elu(String name, Var x, float alpha) {
        requireFloat(name, "elu", x);
        Var a = scalar(name + "_alpha", x.tensorType().dataType(), alpha);
        return emit("elu", name, args("x", x, "alpha", a), x.tensorType());
    }

    /** GELU; {@code mode} is EXACT, TANH_APPROXIMATION or SIGMOID_APPROXIMATION. */
    public Var gelu(String name, Var x, String mode) {
        requireFloat(name, "gelu", x);
        if (!List.of("EXACT", "TANH_APPROXIMATION", "SIGMOID_APPROXIMATION").contains(mode)) {
            throw opError(name, "gelu", "unknown mode '" + mode + "'");
        }
        return emit("gelu", name, args("x", x, "mode", constantString(name + "_mode", mode)), x.tensorType());
    }

    public Var clip(String name, Var x, float alpha, float beta) {
        requireFloat(name, "clip", x);
        if (!(alpha < beta)) {
            throw opError(name, "clip", "alpha " + alpha + " must be < beta " + beta);
        }
        DataType dt = x.tensorType().dataType();
        return emit("clip", name, args("x", x, "alpha", scalar(name + "_alpha", dt, alpha),
                "beta", scalar(name + "_beta", dt, beta)), x.tensorType());
    }

    public Var softmax(String name, Var x, int axis) {
        requireFloat(name, "softmax", x);
        normAxis(name, "softmax", axis, x.tensorType().rank());
        return emit("softmax", name, args("x", x, "axis", scalarInt(name + "_axis", axis)), x.tensorType());
    }

    public Var identity(String name, Var x) {
        return emit("identity", name, args("x", x), x.tensorType());
    }

    /** Element type conversion; {@code dtype} is one of fp16, fp32, int32, bool. */
    public Var cast(String name, Var x, DataType dtype) {
        if (!List.of(DataType.FLOAT16, DataType.FLOAT32, DataType.INT32, DataType.BOOL).contains(dtype)) {
            throw opError(name, "cast", "unsupported target dtype " + dtype.milName);
        }
        return emit("cast", name, args("x", x, "dtype", constantString(name + "_dtype", dtype.milName)),
                x.tensorType().withDataType(dtype));
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
        TensorType t = x.tensorType();
        boolean[] reduced = new boolean[t.rank()];
        for (int a : axes) reduced[normAxis(name, op, a, t.rank())] = true;
        List<Long> shape = new ArrayList<>();
        for (int i = 0; i < t.rank(); i++) {
            if (!reduced[i]) shape.add(t.dim(i));
            else if (keepDims) shape.add(1L);
        }
        return emit(op, name, args("x", x, "axes", ints(name + "_axes", axes), "keep_dims",
                scalarBool(name + "_keep_dims", keepDims)), new TensorType(t.dataType(), shape));
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
        TensorType t = x.tensorType();
        int ax = normAxis(name, op, axis, t.rank());
        List<Long> shape = new ArrayList<>();
        for (int i = 0; i < t.rank(); i++) {
            if (i != ax) shape.add(t.dim(i));
            else if (keepDims) shape.add(1L);
        }
        return emit(op, name, args("x", x, "axis", scalarInt(name + "_axis", axis), "keep_dims",
                scalarBool(name + "_keep_dims", keepDims)), new TensorType(DataType.INT32, shape));
    }

    // ---------------------------------------------------------------- linear algebra

    /** {@code x · weightᵀ + bias}; weight {@code [D_out, D_in]} and bias {@code [D_out]} must be const. */
    public Var linear(String name, Var x, Var weight, Var bias) {
        TensorType tx = x.tensorType();
        TensorType tw = weight.tensorType();
        requireConst(name, "linear", "weight", weight);
        if (tx.rank() < 1 || tx.rank() > 3) throw opError(name, "linear", "x rank " + tx.rank() + " not in 1..3");
        if (tw.rank() != 2) throw opError(name, "linear", "weight must be [D_out, D_in], got " + tw);
        if (tx.dim(-1) != tw.dim(1)) {
            throw opError(name, "linear", "x last dim " + tx.dim(-1) + " != weight dim 1 (" + tw.dim(1) + ")");
        }
        requireSameDtype(name, "linear", x, weight);
        Map<String, Object> a = args("x", x, "weight", weight);
        if (bias != null) {
            requireConst(name, "linear", "bias", bias);
            requireSameDtype(name, "linear", x, bias);
            if (bias.tensorType().rank() != 1 || bias.tensorType().dim(0) != tw.dim(0)) {
                throw opError(name, "linear", "bias " + bias.tensorType() + " != [" + tw.dim(0) + "]");
            }
            a.put("bias", bias);
        }
        List<Long> shape = new ArrayList<>(tx.shape());
        shape.set(shape.size() - 1, tw.dim(0));
        return emit("linear", name, a, new TensorType(tx.dataType(), shape));
    }

    /** NumPy matmul with optional transposes of the last two axes; batch dims broadcast. */
    public Var matmul(String name, Var x, Var y, boolean transposeX, boolean transposeY) {
        TensorType tx = x.tensorType();
        TensorType ty = y.tensorType();
        requireSameDtype(name, "matmul", x, y);
        if (tx.rank() < 2 || ty.rank() < 2) {
            throw opError(name, "matmul", "operands need rank >= 2, got " + tx + " and " + ty);
        }
        long m = transposeX ? tx.dim(-1) : tx.dim(-2);
        long kx = transposeX ? tx.dim(-2) : tx.dim(-1);
        long ky = transposeY ? ty.dim(-1) : ty.dim(-2);
        long n = transposeY ? ty.dim(-2) : ty.dim(-1);
        if (kx != ky) {
            throw opError(name, "matmul", "inner dims differ: x " + tx + " (k=" + kx + ") vs y " + ty + " (k=" + ky + ")");
        }
        List<Long> batch = broadcast(name, "matmul", tx.shape().subList(0, tx.rank() - 2), ty.shape().subList(0, ty.rank() - 2));
        List<Long> shape = new ArrayList<>(batch);
        shape.add(m);
        shape.add(n);
        return emit("matmul", name, args("x", x, "y", y, "transpose_x", scalarBool(name + "_transpose_x", transposeX),
                "transpose_y", scalarBool(name + "_transpose_y", transposeY)), new TensorType(tx.dataType(), shape));
    }

    // ---------------------------------------------------------------- shape ops

    /** Reshape to a fully specified static shape (no -1 or 0 entries, so the type is explicit). */
    public Var reshape(String name, Var x, long... shape) {
        TensorType t = x.tensorType();
        TensorType out = TensorType.of(t.dataType(), shape);
        if (out.elementCount() != t.elementCount()) {
            throw opError(name, "reshape", "cannot reshape " + t + " to " + Arrays.toString(shape));
        }
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
        return emit("reshape", name, args("x", x, "shape", ints(name + "_shape", s)), out);
    }

    public Var transpose(String name, Var x, int... perm) {
        TensorType t = x.tensorType();
        if (perm.length != t.rank()) throw opError(name, "transpose", "perm " + Arrays.toString(perm) + " for " + t);
        boolean[] seen = new boolean[perm.length];
        long[] dims = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = normAxis(name, "transpose", perm[i], t.rank());
            if (seen[p]) throw opError(name, "transpose", "perm " + Arrays.toString(perm) + " repeats an axis");
            seen[p] = true;
            dims[i] = t.dim(p);
        }
        return emit("transpose", name, args("x", x, "perm", ints(name + "_perm", perm)), t.withShape(dims));
    }

    public Var concat(String name, int axis, Var... values) {
        if (values.length == 0) throw opError(name, "concat", "no values");
        TensorType first = values[0].tensorType();
        int ax = normAxis(name, "concat", axis, first.rank());
        long total = 0;
        for (Var v : values) {
            TensorType t = v.tensorType();
            if (t.rank() != first.rank() || t.dataType() != first.dataType()) {
                throw opError(name, "concat", "value " + v.name() + " " + t + " does not match " + first);
            }
            for (int i = 0; i < t.rank(); i++) {
                if (i != ax && t.dim(i) != first.dim(i)) {
                    throw opError(name, "concat", "value " + v.name() + " " + t + " differs from " + first + " off axis " + ax);
                }
            }
            total += t.dim(ax);
        }
        long[] dims = first.dims();
        dims[ax] = total;
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("values", List.of(values));
        a.put("axis", scalarInt(name + "_axis", axis));
        a.put("interleave", scalarBool(name + "_interleave", false));
        return emit("concat", name, a, first.withShape(dims));
    }

    /** Splits along {@code axis} into pieces of the given sizes; outputs are named {@code <name>_0 ...}. */
    public List<Var> split(String name, Var x, int axis, int... sizes) {
        TensorType t = x.tensorType();
        int ax = normAxis(name, "split", axis, t.rank());
        long sum = 0;
        for (int s : sizes) sum += s;
        if (sum != t.dim(ax)) throw opError(name, "split", "sizes " + Arrays.toString(sizes) + " do not sum to " + t.dim(ax));
        List<TensorType> outs = new ArrayList<>();
        for (int s : sizes) {
            long[] d = t.dims();
            d[ax] = s;
            outs.add(t.withShape(d));
        }
        return emitMulti("split", name, args("x", x, "split_sizes", ints(name + "_split_sizes", sizes),
                "axis", scalarInt(name + "_axis", axis)), outs);
    }

    /** {@code x[begin:end]} per axis (static, stride 1; negative indices count from the end). */
    public Var sliceByIndex(String name, Var x, int[] begin, int[] end) {
        TensorType t = x.tensorType();
        if (begin.length != t.rank() || end.length != t.rank()) {
            throw opError(name, "slice_by_index", "begin/end length must equal rank " + t.rank());
        }
        long[] dims = new long[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            long b = begin[i] < 0 ? begin[i] + t.dim(i) : begin[i];
            long e = end[i] < 0 ? end[i] + t.dim(i) : end[i];
            if (b < 0 || e > t.dim(i) || b > e) {
                throw opError(name, "slice_by_index", "axis " + i + " range [" + begin[i] + ", " + end[i] + ") outside " + t);
            }
            dims[i] = e - b;
        }
        return emit("slice_by_index", name, args("x", x, "begin", ints(name + "_begin", begin),
                "end", ints(name + "_end", end)), t.withShape(dims));
    }

    /** {@code x[begin:end:stride]} per axis (static, positive strides; negative begin/end count from the end). */
    public Var sliceByIndex(String name, Var x, int[] begin, int[] end, int[] stride) {
        TensorType t = x.tensorType();
        if (begin.length != t.rank() || end.length != t.rank() || stride.length != t.rank()) {
            throw opError(name, "slice_by_index", "begin/end/stride length must equal rank " + t.rank());
        }
        long[] dims = new long[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            long b = begin[i] < 0 ? begin[i] + t.dim(i) : begin[i];
            long e = end[i] < 0 ? end[i] + t.dim(i) : end[i];
            if (stride[i] < 1) throw opError(name, "slice_by_index", "axis " + i + " stride " + stride[i] + " must be >= 1");
            if (b < 0 || e > t.dim(i) || b > e) {
                throw opError(name, "slice_by_index", "axis " + i + " range [" + begin[i] + ", " + end[i] + ") outside " + t);
            }
            dims[i] = (e - b + stride[i] - 1) / stride[i];
        }
        return emit("slice_by_index", name, args("x", x, "begin", ints(name + "_begin", begin),
                "end", ints(name + "_end", end), "stride", ints(name + "_stride", stride)), t.withShape(dims));
    }

    /** {@code x[begin : begin + size]} per axis; a size of -1 runs to the end of the axis. */
    public Var sliceBySize(String name, Var x, int[] begin, int[] size) {
        TensorType t = x.tensorType();
        if (begin.length != t.rank() || size.length != t.rank()) {
            throw opError(name, "slice_by_size", "begin/size length must equal rank " + t.rank());
        }
        long[] dims = new long[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            long b = begin[i] < 0 ? begin[i] + t.dim(i) : begin[i];
            long n = size[i] == -1 ? t.dim(i) - b : size[i];
            if (b < 0 || n < 0 || b + n > t.dim(i)) {
                throw opError(name, "slice_by_size", "axis " + i + " begin " + begin[i] + " size " + size[i] + " outside " + t);
            }
            dims[i] = n;
        }
        return emit("slice_by_size", name, args("x", x, "begin", ints(name + "_begin", begin),
                "size", ints(name + "_size", size)), t.withShape(dims));
    }

    /**
     * iOS 18: {@code x} with {@code x[begin:end]} replaced by {@code update} (stride 1), e.g. writing one row of a
     * cache before {@code write_state}.
     */
    public Var sliceUpdate(String name, Var x, Var update, int[] begin, int[] end) {
        requireOpset(name, "slice_update", Opset.IOS18);
        TensorType t = x.tensorType();
        requireSameDtype(name, "slice_update", x, update);
        if (begin.length != t.rank() || end.length != t.rank()) {
            throw opError(name, "slice_update", "begin/end length must equal rank " + t.rank());
        }
        long[] dims = new long[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            long b = begin[i] < 0 ? begin[i] + t.dim(i) : begin[i];
            long e = end[i] < 0 ? end[i] + t.dim(i) : end[i];
            if (b < 0 || e > t.dim(i) || b > e) {
                throw opError(name, "slice_update", "axis " + i + " range [" + begin[i] + ", " + end[i] + ") outside " + t);
            }
            dims[i] = e - b;
        }
        if (!update.tensorType().shape().equals(t.withShape(dims).shape())) {
            throw opError(name, "slice_update", "update " + update.tensorType() + " != slice shape " + Arrays.toString(dims));
        }
        return emit("slice_update", name, args("x", x, "update", update, "begin", ints(name + "_begin", begin),
                "end", ints(name + "_end", end)), t);
    }

    /** Takes {@code x} values along {@code axis} at int32 {@code indices} of the same rank; output has the indices' shape. */
    public Var gatherAlongAxis(String name, Var x, Var indices, int axis) {
        TensorType t = x.tensorType();
        TensorType ti = indices.tensorType();
        requireDtype(name, "gather_along_axis", indices, DataType.INT32);
        int ax = normAxis(name, "gather_along_axis", axis, t.rank());
        if (ti.rank() != t.rank()) throw opError(name, "gather_along_axis", "indices " + ti + " rank != x rank " + t);
        for (int i = 0; i < t.rank(); i++) {
            if (i != ax && ti.dim(i) != t.dim(i)) {
                throw opError(name, "gather_along_axis", "indices " + ti + " differ from x " + t + " off axis " + ax);
            }
        }
        return emit("gather_along_axis", name, args("x", x, "indices", indices, "axis", scalarInt(name + "_axis", axis)),
                ti.withDataType(t.dataType()));
    }

    /** Running sum along {@code axis}. */
    public Var cumsum(String name, Var x, int axis, boolean exclusive, boolean reverse) {
        normAxis(name, "cumsum", axis, x.tensorType().rank());
        return emit("cumsum", name, args("x", x, "axis", scalarInt(name + "_axis", axis),
                "exclusive", scalarBool(name + "_exclusive", exclusive), "reverse", scalarBool(name + "_reverse", reverse)),
                x.tensorType());
    }

    public Var expandDims(String name, Var x, int... axes) {
        TensorType t = x.tensorType();
        int outRank = t.rank() + axes.length;
        boolean[] added = new boolean[outRank];
        for (int a : axes) added[normAxis(name, "expand_dims", a, outRank)] = true;
        long[] dims = new long[outRank];
        int src = 0;
        for (int i = 0; i < outRank; i++) dims[i] = added[i] ? 1 : t.dim(src++);
        return emit("expand_dims", name, args("x", x, "axes", ints(name + "_axes", axes)), t.withShape(dims));
    }

    public Var squeeze(String name, Var x, int... axes) {
        TensorType t = x.tensorType();
        boolean[] drop = new boolean[t.rank()];
        for (int a : axes) {
            int ax = normAxis(name, "squeeze", a, t.rank());
            if (t.dim(ax) != 1) throw opError(name, "squeeze", "axis " + a + " of " + t + " is not 1");
            drop[ax] = true;
        }
        List<Long> shape = new ArrayList<>();
        for (int i = 0; i < t.rank(); i++) if (!drop[i]) shape.add(t.dim(i));
        return emit("squeeze", name, args("x", x, "axes", ints(name + "_axes", axes)), new TensorType(t.dataType(), shape));
    }

    public Var tile(String name, Var x, int... reps) {
        TensorType t = x.tensorType();
        if (reps.length != t.rank()) throw opError(name, "tile", "reps length " + reps.length + " != rank " + t.rank());
        long[] dims = t.dims();
        for (int i = 0; i < dims.length; i++) dims[i] *= reps[i];
        return emit("tile", name, args("x", x, "reps", ints(name + "_reps", reps)), t.withShape(dims));
    }

    /** Constant padding of the last {@code pads.length / 2} axes, pairs (before, after). */
    public Var pad(String name, Var x, int[] pads, float value) {
        TensorType t = x.tensorType();
        requireFloat(name, "pad", x);
        if (pads.length % 2 != 0 || pads.length / 2 > t.rank()) {
            throw opError(name, "pad", "pad list " + Arrays.toString(pads) + " for " + t);
        }
        long[] dims = t.dims();
        int first = t.rank() - pads.length / 2;
        for (int i = 0; i < pads.length / 2; i++) dims[first + i] += pads[2 * i] + pads[2 * i + 1];
        return emit("pad", name, args("x", x, "pad", ints(name + "_pad", pads), "mode", constantString(name + "_mode", "constant"),
                "constant_val", scalar(name + "_constant_val", t.dataType(), value)), t.withShape(dims));
    }

    public Var select(String name, Var cond, Var a, Var b) {
        requireDtype(name, "select", cond, DataType.BOOL);
        requireSameDtype(name, "select", a, b);
        List<Long> s = broadcast(name, "select", cond.tensorType().shape(), a.tensorType().shape());
        s = broadcast(name, "select", s, b.tensorType().shape());
        return emit("select", name, args("cond", cond, "a", a, "b", b), new TensorType(a.tensorType().dataType(), s));
    }

    /** Gathers slices of {@code x} along {@code axis} at int32 {@code indices}. */
    public Var gather(String name, Var x, Var indices, int axis) {
        TensorType t = x.tensorType();
        requireDtype(name, "gather", indices, DataType.INT32);
        int ax = normAxis(name, "gather", axis, t.rank());
        List<Long> shape = new ArrayList<>(t.shape().subList(0, ax));
        shape.addAll(indices.tensorType().shape());
        shape.addAll(t.shape().subList(ax + 1, t.rank()));
        Map<String, Object> a = args("x", x, "indices", indices, "axis", scalarInt(name + "_axis", axis));
        if (opset.compareTo(Opset.IOS16) >= 0) {
            a.put("batch_dims", scalarInt(name + "_batch_dims", 0));   // parameter exists from iOS16 on
        }
        return emit("gather", name, a, new TensorType(t.dataType(), shape));
    }

    /** Top-k values and int32 indices along {@code axis} (descending, sorted). Outputs {@code <name>_0}, {@code <name>_1}. */
    public List<Var> topk(String name, Var x, int k, int axis) {
        TensorType t = x.tensorType();
        int ax = normAxis(name, "topk", axis, t.rank());
        if (k < 1 || k > t.dim(ax)) throw opError(name, "topk", "k " + k + " outside 1.." + t.dim(ax));
        long[] dims = t.dims();
        dims[ax] = k;
        return emitMulti("topk", name, args("x", x, "k", scalarInt(name + "_k", k), "axis", scalarInt(name + "_axis", axis),
                "ascending", scalarBool(name + "_ascending", false)),
                List.of(t.withShape(dims), TensorType.of(DataType.INT32, dims)));
    }

    // ---------------------------------------------------------------- convolution and normalization

    /**
     * 2-D (or 1-D/3-D) convolution, NC* layout, custom padding {@code pad = [before0, after0, before1, after1 ...]}.
     * weight {@code [C_out, C_in / groups, *K]} const; bias {@code [C_out]} const or null.
     */
    public Var conv(String name, Var x, Var weight, Var bias, int[] strides, int[] pad, int[] dilations, int groups) {
        TensorType tx = x.tensorType();
        TensorType tw = weight.tensorType();
        requireConst(name, "conv", "weight", weight);
        requireSameDtype(name, "conv", x, weight);
        int s = tx.rank() - 2;
        checkConvParams(name, "conv", tx, tw, strides, pad, dilations, s);
        if (tw.dim(1) * groups != tx.dim(1)) {
            throw opError(name, "conv", "x channels " + tx.dim(1) + " != weight dim 1 (" + tw.dim(1) + ") x groups " + groups);
        }
        long[] dims = new long[tx.rank()];
        dims[0] = tx.dim(0);
        dims[1] = tw.dim(0);
        for (int i = 0; i < s; i++) {
            long span = (tw.dim(2 + i) - 1) * dilations[i] + 1;
            long padded = tx.dim(2 + i) + pad[2 * i] + pad[2 * i + 1];
            if (padded < span) throw opError(name, "conv", "spatial axis " + i + " too small: " + padded + " < kernel span " + span);
            dims[2 + i] = (padded - span) / strides[i] + 1;
        }
        Map<String, Object> a = args("x", x, "weight", weight, "strides", ints(name + "_strides", strides),
                "pad_type", constantString(name + "_pad_type", "custom"), "pad", ints(name + "_pad", pad),
                "dilations", ints(name + "_dilations", dilations), "groups", scalarInt(name + "_groups", groups));
        if (bias != null) {
            checkBias(name, "conv", x, bias, tw.dim(0));
            a.put("bias", bias);
        }
        return emit("conv", name, a, tx.withShape(dims));
    }

    /**
     * Transposed convolution, NC* layout, weight {@code [C_in, C_out / groups, *K]} const; output size per axis
     * {@code (D_in - 1) * stride + K - before - after} (custom padding crops the full output).
     */
    public Var convTranspose(String name, Var x, Var weight, Var bias, int[] strides, int[] pad, int groups) {
        TensorType tx = x.tensorType();
        TensorType tw = weight.tensorType();
        requireConst(name, "conv_transpose", "weight", weight);
        requireSameDtype(name, "conv_transpose", x, weight);
        int s = tx.rank() - 2;
        int[] dilations = new int[s];
        Arrays.fill(dilations, 1);
        checkConvParams(name, "conv_transpose", tx, tw, strides, pad, dilations, s);
        if (tw.dim(0) != tx.dim(1)) {
            throw opError(name, "conv_transpose", "x channels " + tx.dim(1) + " != weight dim 0 (" + tw.dim(0) + ")");
        }
        long[] dims = new long[tx.rank()];
        dims[0] = tx.dim(0);
        dims[1] = tw.dim(1) * groups;
        for (int i = 0; i < s; i++) {
            dims[2 + i] = (tx.dim(2 + i) - 1) * strides[i] + tw.dim(2 + i) - pad[2 * i] - pad[2 * i + 1];
            if (dims[2 + i] <= 0) throw opError(name, "conv_transpose", "crop leaves no output on spatial axis " + i);
        }
        Map<String, Object> a = args("x", x, "weight", weight, "strides", ints(name + "_strides", strides),
                "pad_type", constantString(name + "_pad_type", "custom"), "pad", ints(name + "_pad", pad),
                "dilations", ints(name + "_dilations", dilations), "groups", scalarInt(name + "_groups", groups));
        if (bias != null) {
            checkBias(name, "conv_transpose", x, bias, dims[1]);
            a.put("bias", bias);
        }
        return emit("conv_transpose", name, a, tx.withShape(dims));
    }

    private void checkConvParams(String name, String op, TensorType tx, TensorType tw, int[] strides, int[] pad,
                                 int[] dilations, int s) {
        if (s < 1 || s > 3) throw opError(name, op, "x must be [N, C, *D] with 1..3 spatial axes, got " + tx);
        if (tw.rank() != tx.rank()) throw opError(name, op, "weight rank " + tw + " != x rank " + tx);
        if (strides.length != s || dilations.length != s || pad.length != 2 * s) {
            throw opError(name, op, "strides/dilations need " + s + " entries and pad " + 2 * s);
        }
    }

    private void checkBias(String name, String op, Var x, Var bias, long channels) {
        requireConst(name, op, "bias", bias);
        requireSameDtype(name, op, x, bias);
        if (bias.tensorType().rank() != 1 || bias.tensorType().dim(0) != channels) {
            throw opError(name, op, "bias " + bias.tensorType() + " != [" + channels + "]");
        }
    }

    /** Layer norm over {@code axes}: {@code (x - mean) / sqrt(var + eps) * gamma + beta}; gamma/beta const or null. */
    public Var layerNorm(String name, Var x, int[] axes, Var gamma, Var beta, float epsilon) {
        requireFloat(name, "layer_norm", x);
        Map<String, Object> a = args("x", x, "axes", ints(name + "_axes", axes),
                "epsilon", scalar(name + "_epsilon", x.tensorType().dataType(), epsilon));
        if (gamma != null) { requireConst(name, "layer_norm", "gamma", gamma); a.put("gamma", gamma); }
        if (beta != null) { requireConst(name, "layer_norm", "beta", beta); a.put("beta", beta); }
        return emit("layer_norm", name, a, x.tensorType());
    }

    /** Batch norm over channel axis 1 of {@code [N, C, *D]}; mean/variance (and gamma/beta, or null) are const {@code [C]}. */
    public Var batchNorm(String name, Var x, Var mean, Var variance, Var gamma, Var beta, float epsilon) {
        requireFloat(name, "batch_norm", x);
        TensorType t = x.tensorType();
        if (t.rank() < 2) throw opError(name, "batch_norm", "x must be [N, C, *D], got " + t);
        Map<String, Object> a = args("x", x);
        String[] params = {"mean", "variance", "gamma", "beta"};
        Var[] vars = {mean, variance, gamma, beta};
        for (int i = 0; i < params.length; i++) {
            if (vars[i] == null) {
                if (i < 2) throw opError(name, "batch_norm", params[i] + " is required");
                continue;
            }
            checkBias(name, "batch_norm", x, vars[i], t.dim(1));
            a.put(params[i], vars[i]);
        }
        a.put("epsilon", scalar(name + "_epsilon", t.dataType(), epsilon));
        return emit("batch_norm", name, a, t);
    }

    /** Instance norm over the spatial axes of {@code [N, C, *D]}; gamma/beta const {@code [C]} or null. */
    public Var instanceNorm(String name, Var x, Var gamma, Var beta, float epsilon) {
        requireFloat(name, "instance_norm", x);
        TensorType t = x.tensorType();
        if (t.rank() < 3) throw opError(name, "instance_norm", "x must be [N, C, *D], got " + t);
        Map<String, Object> a = args("x", x);
        if (gamma != null) { checkBias(name, "instance_norm", x, gamma, t.dim(1)); a.put("gamma", gamma); }
        if (beta != null) { checkBias(name, "instance_norm", x, beta, t.dim(1)); a.put("beta", beta); }
        a.put("epsilon", scalar(name + "_epsilon", t.dataType(), epsilon));
        return emit("instance_norm", name, a, t);
    }

    /**
     * iOS 18 fused attention: {@code softmax(q kᵀ / sqrt(E) + mask) v} with q {@code [*B, L, E]}, k {@code [*B, S, E]},
     * v {@code [*B, S, E_v]}; {@code mask} (bool or q's dtype, broadcastable to {@code [*B, L, S]}) may be null.
     */
    public Var scaledDotProductAttention(String name, Var query, Var key, Var value, Var mask) {
        String op = "scaled_dot_product_attention";
        requireOpset(name, op, Opset.IOS18);
        requireFloat(name, op, query);
        requireSameDtype(name, op, query, key);
        requireSameDtype(name, op, query, value);
        TensorType q = query.tensorType();
        TensorType k = key.tensorType();
        TensorType v = value.tensorType();
        if (q.rank() < 3 || k.rank() != q.rank() || v.rank() != q.rank()) {
            throw opError(name, op, "query/key/value need the same rank >= 3, got " + q + ", " + k + ", " + v);
        }
        if (q.dim(-1) != k.dim(-1) || k.dim(-2) != v.dim(-2)) {
            throw opError(name, op, "query " + q + ", key " + k + ", value " + v + " disagree on E or S");
        }
        List<Long> batch = broadcast(name, op, q.shape().subList(0, q.rank() - 2), k.shape().subList(0, k.rank() - 2));
        batch = broadcast(name, op, batch, v.shape().subList(0, v.rank() - 2));
        Map<String, Object> a = args("query", query, "key", key, "value", value);
        if (mask != null) {
            DataType md = mask.tensorType().dataType();
            if (md != DataType.BOOL && md != q.dataType()) {
                throw opError(name, op, "attn_mask " + mask.tensorType() + " must be bool or " + q.dataType().milName);
            }
            List<Long> scores = new ArrayList<>(batch);
            scores.add(q.dim(-2));
            scores.add(k.dim(-2));
            if (!broadcast(name, op, mask.tensorType().shape(), scores).equals(scores)) {
                throw opError(name, op, "attn_mask " + mask.tensorType() + " does not broadcast to scores " + scores);
            }
            a.put("attn_mask", mask);
        }
        List<Long> shape = new ArrayList<>(batch);
        shape.add(q.dim(-2));
        shape.add(v.dim(-1));
        return emit(op, name, a, new TensorType(q.dataType(), shape));
    }

    // ---------------------------------------------------------------- state (iOS 18)

    public Var readState(String name, Var state) {
        if (!(state.type() instanceof StateType st)) {
            throw opError(name, "read_state", "input '" + state.name() + "' is not a state");
        }
        return emit("read_state", name, args("input", state), st.wrapped());
    }

    /** {@code write_state(input, data)}: no outputs; {@code data} must have exactly the wrapped type. */
    public void writeState(String name, Var state, Var data) {
        if (!(state.type() instanceof StateType st)) {
            throw opError(name, "write_state", "input '" + state.name() + "' is not a state");
        }
        if (!st.wrapped().equals(data.tensorType())) {
            throw opError(name, "write_state", "data " + data.tensorType() + " != state " + st.wrapped());
        }
        emitMulti("write_state", name, args("input", state, "data", data), List.of());
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

    private static void requireFloat(String name, String op, Var x) {
        if (!x.tensorType().dataType().isFloat()) {
            throw opError(name, op, "x must be fp16 or fp32, got " + x.tensorType());
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

    private Var unaryFloat(String op, String name, Var x) {
        requireFloat(name, op, x);
        return emit(op, name, args("x", x), x.tensorType());
    }

    private static void requireDtype(String name, String op, Var x, DataType dt) {
        if (x.tensorType().dataType() != dt) {
            throw opError(name, op, "'" + x.name() + "' must be " + dt.milName + ", got " + x.tensorType());
        }
    }

    private static void requireSameDtype(String name, String op, Var a, Var b) {
        if (a.tensorType().dataType() != b.tensorType().dataType()) {
            throw opError(name, op, "'" + a.name() + "' " + a.tensorType() + " and '" + b.name() + "' "
                    + b.tensorType() + " differ in dtype (insert a cast)");
        }
    }

    private static int normAxis(String name, String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw opError(name, op, "axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** NumPy broadcasting of two static shapes. */
    static List<Long> broadcast(String name, String op, List<Long> a, List<Long> b) {
        int rank = Math.max(a.size(), b.size());
        Long[] out = new Long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.size() ? 1 : a.get(i - (rank - a.size()));
            long db = i < rank - b.size() ? 1 : b.get(i - (rank - b.size()));
            if (da != db && da != 1 && db != 1) {
                throw opError(name, op, "shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return List.of(out);
    }

    private static MilException opError(String name, String op, String problem) {
        return new MilException("op '" + name + "' (" + op + "): " + problem);
    }
}
