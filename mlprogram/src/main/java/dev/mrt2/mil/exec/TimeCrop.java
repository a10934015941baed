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
import dev.mrt2.mil.Program;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rewrites a program over a time axis so that it computes only rows {@code [from, to)} of one output: every op
 * computes just the rows of its result that those rows need, read back through the ops (a causal convolution needs
 * the rows before, a transposed one the rows its taps reach). The rewritten program computes each kept element with
 * the same operands in the same order as the whole program, so on kernels whose sums do not depend on the rows around
 * them (the JVM ones) the rows are the whole program's, bit for bit.
 *
 * <p>Why: a streaming decoder runs overlapping windows of which it keeps only the newest rows; the context rows are
 * there for the first layers, and the later, wider layers need few of them. On the SpectroStream decoder at 25 frames,
 * hop 11, that is a bit more than half the arithmetic of a window.
 *
 * <p>The time axis is followed from one input through the ops that keep it: element-wise ops, {@code conv} and
 * {@code conv_transpose} over it (explicit padding), {@code transpose}, {@code expand_dims}, {@code squeeze},
 * {@code reshape} that keeps it whole or merges it with the axes after it, {@code tile} and {@code slice_by_index}
 * that leave it alone or (slice) cut it with stride 1. Any other op on it is refused with {@link Unsupported}; the caller
 * then runs the whole program. Ops that do not read the axis are kept as they are.
 */
public final class TimeCrop {
    /** The program cannot be cropped; the message names the op and why. */
    public static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message);
        }
    }

    private static final Set<String> ELEMENTWISE = Set.of("elu", "relu", "leaky_relu", "sigmoid", "tanh", "silu",
            "gelu", "exp", "sqrt", "rsqrt", "abs", "square", "clip", "softplus", "cast", "add", "sub", "mul",
            "real_div", "maximum", "minimum", "pow");

    /** Rows {@code [lo, hi)} of a value's time axis. */
    record Rows(int lo, int hi) {
        int length() {
            return hi - lo;
        }

        Rows union(Rows o) {
            return o == null ? this : new Rows(Math.min(lo, o.lo), Math.max(hi, o.hi));
        }
    }

    final Function main;
    private final Map<String, ConstValue> constants = new HashMap<>();
    /** The time axis of each value that has one. */
    final Map<String, Integer> axis = new HashMap<>();
    final Map<String, TensorType> types = new HashMap<>();
    /** Rows of each value some kept op reads. */
    private final Map<String, Rows> need = new HashMap<>();
    /** Rows each op's time-bearing inputs must hold, by op name then value. */
    private final Map<String, Map<String, Rows>> reads = new HashMap<>();
    /** Rows each rewritten op produces, by value. */
    final Map<String, Rows> made = new HashMap<>();

    private TimeCrop(Function main) {
        this.main = main;
    }

    /**
     * {@code model} computing only rows {@code [from, to)} of {@code output} on its axis {@code outputAxis}, the time
     * axis entering at {@code input}'s axis {@code inputAxis}; the output's type (and description) has
     * {@code to - from} rows there, the inputs are unchanged.
     */
    public static Model crop(Model model, String input, int inputAxis, String output, int outputAxis, int from,
                             int to) {
        TimeCrop c = analyse(model, input, inputAxis, output, outputAxis, from, to);
        Block block = c.rewrite(input, output);
        List<FeatureDescription> outs = new ArrayList<>();
        for (FeatureDescription f : model.description().outputs()) {
            outs.add(f.name().equals(output)
                    ? new FeatureDescription(f.name(), f.shortDescription(), withRows(f.type(), outputAxis, to - from))
                    : f);
        }
        return withBlock(model, block, c.main.inputs(), model.description().inputs(), outs);
    }

    /** The time axis followed and the rows each op must produce for rows {@code [from, to)} of {@code output}. */
    static TimeCrop analyse(Model model, String input, int inputAxis, String output, int outputAxis, int from,
                            int to) {
        TimeCrop c = new TimeCrop(model.program().main());
        c.follow(input, inputAxis);
        Integer found = c.axis.get(output);
        if (found == null || found != outputAxis) {
            throw new Unsupported("output '" + output + "' does not carry the time axis of '" + input + "' on axis "
                    + outputAxis);
        }
        int rows = (int) c.types.get(output).dim(outputAxis);
        if (from < 0 || to > rows || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of '" + output + "', which has " + rows);
        }
        c.need.put(output, new Rows(from, to));
        c.demand();
        return c;
    }

    /** {@code model} with {@code block} as its main function's body, and the given inputs and outputs. */
    static Model withBlock(Model model, Block block, List<Var> inputs, List<FeatureDescription> inputFeatures,
                           List<FeatureDescription> outputFeatures) {
        Function main = model.program().main();
        TreeMap<String, Function> functions = new TreeMap<>(model.program().functions());
        functions.put(main.name(), new Function(main.name(), inputs, main.opset(), block));
        ModelDescription d = model.description();
        return new Model(model.specificationVersion(),
                new ModelDescription(inputFeatures, outputFeatures, d.states(), d.metadata()), new Program(functions));
    }

    // ---------------------------------------------------------------- the time axis, forward

    private void follow(String input, int inputAxis) {
        for (Var v : main.inputs()) {
            if (v.type() instanceof TensorType t) {
                types.put(v.name(), t);
            }
        }
        TensorType in = types.get(input);
        if (in == null || inputAxis < 0 || inputAxis >= in.rank()) {
            throw new IllegalArgumentException("'" + input + "' is not a tensor input with an axis " + inputAxis);
        }
        axis.put(input, inputAxis);
        for (Operation op : main.block().operations()) {
            for (Var out : op.outputs()) {
                if (out.type() instanceof TensorType t) {
                    types.put(out.name(), t);
                }
            }
            if (op.isConst()) {
                constants.put(op.output().name(), op.value());
                continue;
            }
            String x = timeInput(op);
            if (x == null) {
                continue;
            }
            if (op.outputs().size() != 1) {
                throw unsupported(op, "has " + op.outputs().size() + " outputs");
            }
            axis.put(op.output().name(), outputAxis(op, x, axis.get(x)));
        }
    }

    /** The one value with a time axis that {@code op} reads (its "x" when several do), or null. */
    String timeInput(Operation op) {
        List<String> timed = new ArrayList<>();
        for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
            for (Binding b : e.getValue()) {
                if (b.isName() && axis.containsKey(b.name())) {
                    if (!ELEMENTWISE.contains(op.type()) && !e.getKey().equals("x")) {
                        throw unsupported(op, "reads the time axis through '" + e.getKey() + "'");
                    }
                    timed.add(b.name());
                }
            }
        }
        if (timed.isEmpty()) {
            return null;
        }
        String first = timed.get(0);
        for (String t : timed) {
            if (!axis.get(t).equals(axis.get(first)) || !types.get(t).shape().equals(types.get(first).shape())) {
                throw unsupported(op, "combines '" + first + "' and '" + t + "' of different shapes");
            }
        }
        return first;
    }

    private int outputAxis(Operation op, String x, int a) {
        TensorType in = types.get(x);
        TensorType out = types.get(op.output().name());
        switch (op.type()) {
            case "conv", "conv_transpose" -> {
                if (a < 2) {
                    throw unsupported(op, "the time axis is its batch or channel axis");
                }
                return a;
            }
            case "transpose" -> {
                int[] perm = ints(op, "perm");
                for (int j = 0; j < perm.length; j++) {
                    if (Math.floorMod(perm[j], perm.length) == a) {
                        return j;
                    }
                }
                throw unsupported(op, "perm " + Arrays.toString(perm) + " has no axis " + a);
            }
            case "expand_dims" -> {
                boolean[] inserted = new boolean[out.rank()];
                for (int v : ints(op, "axes")) {
                    inserted[Math.floorMod(v, out.rank())] = true;
                }
                return nthKept(inserted, a, op);
            }
            case "squeeze" -> {
                boolean[] removed = new boolean[in.rank()];
                if (op.inputs().containsKey("axes")) {
                    for (int v : ints(op, "axes")) {
                        removed[Math.floorMod(v, in.rank())] = true;
                    }
                } else {
                    for (int i = 0; i < in.rank(); i++) {
                        removed[i] = in.dim(i) == 1;
                    }
                }
                if (removed[a]) {
                    throw unsupported(op, "removes the time axis");
                }
                int j = 0;
                for (int i = 0; i < a; i++) {
                    j += removed[i] ? 0 : 1;
                }
                return j;
            }
            case "reshape" -> {
                return reshapedAxis(op, in, out, a);
            }
            case "tile" -> {
                if (ints(op, "reps")[a] != 1) {
                    throw unsupported(op, "repeats the time axis");
                }
                return a;
            }
            case "slice_by_index" -> {
                sliceBegin(op, in, a);
                return a;
            }
            default -> {
                if (!ELEMENTWISE.contains(op.type())) {
                    throw unsupported(op, "is not an op this rewrite knows how to crop");
                }
                if (out.rank() != in.rank()) {
                    throw unsupported(op, "broadcasts the time axis to another rank");
                }
                for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
                    for (Binding b : e.getValue()) {
                        TensorType t = b.isName() ? types.get(b.name()) : b.value().type();
                        if (t == null || (b.isName() && axis.containsKey(b.name()))) {
                            continue;
                        }
                        int at = a - (in.rank() - t.rank());
                        if (at >= 0 && t.dim(at) != 1) {
                            throw unsupported(op, "'" + e.getKey() + "' varies along the time axis");
                        }
                    }
                }
                return a;
            }
        }
    }

    /** Axis {@code a} of the input among the output's axes that {@code inserted} does not mark. */
    private static int nthKept(boolean[] inserted, int a, Operation op) {
        int seen = 0;
        for (int j = 0; j < inserted.length; j++) {
            if (!inserted[j] && seen++ == a) {
                return j;
            }
        }
        throw unsupported(op, "has no output axis for input axis " + a);
    }

    /**
     * The output axis that holds input axis {@code a} after a row-major reshape: the one with the same product of the
     * axes before it, covering the same block of elements (the time axis and those after it).
     */
    private static int reshapedAxis(Operation op, TensorType in, TensorType out, int a) {
        long outer = product(in, 0, a);
        long block = product(in, a, in.rank());
        int best = -1;
        for (int j = 0; j < out.rank(); j++) {
            if (product(out, 0, j) == outer && product(out, j, out.rank()) == block
                    && (best < 0 || out.dim(j) > out.dim(best))) {
                best = j;
            }
        }
        if (best < 0) {
            throw unsupported(op, "mixes the time axis with the axes before it");
        }
        return best;
    }

    // ---------------------------------------------------------------- the rows needed, backward

    private void demand() {
        List<Operation> ops = main.block().operations();
        for (int i = ops.size() - 1; i >= 0; i--) {
            Operation op = ops.get(i);
            if (op.isConst() || !axis.containsKey(op.output().name())) {
                continue;
            }
            Rows wanted = need.get(op.output().name());
            if (wanted == null) {
                continue;
            }
            String x = timeInput(op);
            Rows produced = aligned(op, x, wanted);
            made.put(op.output().name(), produced);
            Rows read = read(op, x, produced);
            Map<String, Rows> byValue = new TreeMap<>();
            for (List<Binding> bs : op.inputs().values()) {
                for (Binding b : bs) {
                    if (b.isName() && axis.containsKey(b.name())) {
                        byValue.put(b.name(), read);
                        need.merge(b.name(), read, Rows::union);
                    }
                }
            }
            reads.put(op.name(), byValue);
        }
    }

    /** The rows {@code op} produces for {@code wanted}: more when a reshape must keep whole input rows. */
    private Rows aligned(Operation op, String x, Rows wanted) {
        if (!op.type().equals("reshape")) {
            return wanted;
        }
        String out = op.output().name();
        long pIn = inner(x);
        long pOut = inner(out);
        int rows = (int) types.get(out).dim(axis.get(out));
        int lo = wanted.lo;
        int hi = wanted.hi;
        while (lo * pOut % pIn != 0) {
            lo--;
        }
        while (hi * pOut % pIn != 0 && hi < rows) {
            hi++;
        }
        return new Rows(lo, hi);
    }

    /** The rows of {@code op}'s time input that rows {@code r} of its output read. */
    Rows read(Operation op, String x, Rows r) {
        int a = axis.get(x);
        int rowsIn = (int) types.get(x).dim(a);
        switch (op.type()) {
            case "conv" -> {
                Taps t = taps(op, a);
                return new Rows(Math.max(0, r.lo * t.stride - t.before),
                        Math.min(rowsIn, (r.hi - 1) * t.stride - t.before + t.span));
            }
            case "conv_transpose" -> {
                Taps t = taps(op, a);
                Rows in = new Rows(Math.max(0, Math.floorDiv(r.lo + t.before - t.span + t.stride, t.stride)),
                        Math.min(rowsIn, Math.floorDiv(r.hi - 1 + t.before, t.stride) + 1));
                if (in.length() <= 0) {
                    throw unsupported(op, "rows [" + r.lo + ", " + r.hi + ") read no input row");
                }
                return in;
            }
            case "reshape" -> {
                long pIn = inner(x);
                long pOut = inner(op.output().name());
                return new Rows((int) (r.lo * pOut / pIn), (int) Math.min(rowsIn, (r.hi * pOut + pIn - 1) / pIn));
            }
            case "slice_by_index" -> {
                int begin = sliceBegin(op, types.get(x), a);
                return new Rows(r.lo + begin, r.hi + begin);
            }
            default -> {
                return r;
            }
        }
    }

    /** A convolution's taps along the time axis, padding resolved ({@code custom} or {@code valid} only). */
    record Taps(int stride, int span, int before) {}

    Taps taps(Operation op, int a) {
        int i = a - 2;
        String padType = op.inputs().containsKey("pad_type") ? string(op, "pad_type") : "valid";
        int before = switch (padType) {
            case "valid" -> 0;
            case "custom" -> ints(op, "pad")[2 * i];
            default -> throw unsupported(op, "pad_type '" + padType + "' (only custom and valid are cropped)");
        };
        TensorType w = types.containsKey(op.inputName("weight")) ? types.get(op.inputName("weight"))
                : constants.get(op.inputName("weight")).type();
        int k = (int) w.dim(2 + i);
        int d = op.inputs().containsKey("dilations") ? ints(op, "dilations")[i] : 1;
        int s = op.inputs().containsKey("strides") ? ints(op, "strides")[i] : 1;
        return new Taps(s, (k - 1) * d + 1, before);
    }

    private int sliceBegin(Operation op, TensorType in, int a) {
        for (String p : List.of("begin_mask", "end_mask", "squeeze_mask")) {
            if (op.inputs().containsKey(p) && ints(op, p)[a] != 0) {
                throw unsupported(op, p + " is set on the time axis");
            }
        }
        if (op.inputs().containsKey("stride") && ints(op, "stride")[a] != 1) {
            throw unsupported(op, "steps through the time axis with a stride");
        }
        int rows = (int) in.dim(a);
        int begin = ints(op, "begin")[a];
        return begin < 0 ? begin + rows : begin;
    }

    // ---------------------------------------------------------------- the rewritten block, forward

    private Block rewrite(String input, String output) {
        List<Operation> ops = new ArrayList<>();
        made.put(input, new Rows(0, (int) types.get(input).dim(axis.get(input))));
        for (Operation op : main.block().operations()) {
            if (op.isConst() || !axis.containsKey(op.output().name())) {
                ops.add(op);
                continue;
            }
            Map<String, Rows> byValue = reads.get(op.name());
            if (byValue == null) {
                continue;   // no kept row reads it
            }
            TreeMap<String, List<Binding>> inputs = new TreeMap<>(op.inputs());
            for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
                List<Binding> bound = new ArrayList<>();
                for (Binding b : e.getValue()) {
                    Rows want = b.isName() ? byValue.get(b.name()) : null;
                    bound.add(want == null ? b : Binding.of(cut(ops, b.name(), want, op.name() + "_" + e.getKey())));
                }
                inputs.put(e.getKey(), bound);
            }
            String x = timeInput(op);
            ops.add(rewritten(op, inputs, byValue.get(x), made.get(op.output().name())));
        }
        Rows last = made.get(output);
        Rows wanted = need.get(output);
        if (!last.equals(wanted)) {
            throw new Unsupported("'" + output + "' comes out of a reshape that keeps rows " + last + " together");
        }
        return new Block(main.block().inputs(), ops, main.block().outputs());
    }

    /**
     * {@code op} computing rows {@code r} of its output from rows {@code in} of its time input, its inputs already
     * bound to values that hold just those rows: padding, crops, shapes and slice bounds moved to match.
     */
    Operation rewritten(Operation op, TreeMap<String, List<Binding>> inputs, Rows in, Rows r) {
        String x = timeInput(op);
        int a = axis.get(x);
        switch (op.type()) {
            case "conv" -> {
                Taps t = taps(op, a);
                int lo = r.lo * t.stride - t.before;
                int hi = (r.hi - 1) * t.stride - t.before + t.span;
                int[] pad = pads(op, a);
                pad[2 * (a - 2)] = in.lo - lo;
                pad[2 * (a - 2) + 1] = hi - in.hi;
                customPad(inputs, pad);
            }
            case "conv_transpose" -> {
                Taps t = taps(op, a);
                int[] pad = pads(op, a);
                int before = r.lo + t.before - in.lo * t.stride;
                if (before < 0) {
                    throw unsupported(op, "a stride longer than its kernel");
                }
                int full = (in.length() - 1) * t.stride + t.span;
                pad[2 * (a - 2)] = before;
                pad[2 * (a - 2) + 1] = full - before - r.length();
                customPad(inputs, pad);
                if (op.inputs().containsKey("output_shape")) {
                    int[] shape = ints(op, "output_shape");
                    shape[shape.length - (types.get(x).rank() - a)] = r.length();
                    inputs.put("output_shape", List.of(Binding.inline(intTensor(shape))));
                }
            }
            case "reshape" -> {
                int[] shape = ints(op, "shape");
                int j = axis.get(op.output().name());
                if (shape.length != types.get(op.output().name()).rank() || shape[j] <= 0) {
                    throw unsupported(op, "shape " + Arrays.toString(shape) + " does not list the time axis");
                }
                shape[j] = r.length();
                inputs.put("shape", List.of(Binding.inline(intTensor(shape))));
            }
            case "slice_by_index" -> {
                int[] begin = ints(op, "begin");
                int[] end = ints(op, "end");
                begin[a] = 0;
                end[a] = in.length();
                inputs.put("begin", List.of(Binding.inline(intTensor(begin))));
                inputs.put("end", List.of(Binding.inline(intTensor(end))));
            }
            default -> { }
        }
        Var out = op.output();
        return new Operation(op.type(), op.name(), inputs,
                List.of(new Var(out.name(), withRows(out.tensorType(), axis.get(out.name()), r.length()))), null);
    }

    /**
     * The name of rows {@code want} of {@code value} ({@code value} itself when it holds just those): a
     * {@code slice_by_index} appended to {@code ops} otherwise.
     */
    private String cut(List<Operation> ops, String value, Rows want, String reader) {
        return cut(ops, value, value, made.get(value), want, reader);
    }

    /** {@link #cut} of {@code value}, which holds rows {@code have} of the program's value {@code rowsOf}. */
    String cut(List<Operation> ops, String value, String rowsOf, Rows have, Rows want, String reader) {
        if (have.equals(want)) {
            return value;
        }
        if (want.lo < have.lo || want.hi > have.hi) {
            throw new IllegalStateException("'" + reader + "' wants rows " + want + " of '" + value + "', which holds "
                    + have);
        }
        String name = reader + "_rows_" + want.lo + "_" + want.hi;
        ops.add(slice(value, rowsOf, have, want, name));
        return name;
    }

    /** A {@code slice_by_index} named {@code name} of rows {@code want} of {@code value}, holding {@code have}. */
    Operation slice(String value, String rowsOf, Rows have, Rows want, String name) {
        TensorType t = types.get(rowsOf);
        int a = axis.get(rowsOf);
        int[] begin = new int[t.rank()];
        int[] end = withRows(t, a, have.length()).intDims();
        begin[a] = want.lo - have.lo;
        end[a] = want.hi - have.lo;
        TreeMap<String, List<Binding>> in = new TreeMap<>();
        in.put("x", List.of(Binding.of(value)));
        in.put("begin", List.of(Binding.inline(intTensor(begin))));
        in.put("end", List.of(Binding.inline(intTensor(end))));
        return new Operation("slice_by_index", name, in, List.of(new Var(name, withRows(t, a, want.length()))), null);
    }

    /** The op's explicit padding, every spatial axis ({@link #taps} has refused the other pad types). */
    private int[] pads(Operation op, int a) {
        boolean custom = op.inputs().containsKey("pad_type") && "custom".equals(string(op, "pad_type"));
        return custom ? ints(op, "pad") : new int[2 * (types.get(timeInput(op)).rank() - 2)];
    }

    private static void customPad(Map<String, List<Binding>> inputs, int[] pad) {
        inputs.put("pad", List.of(Binding.inline(intTensor(pad))));
        inputs.put("pad_type", List.of(Binding.inline(new ConstValue.Immediate(TensorType.scalar(DataType.STRING),
                null, List.of("custom")))));
    }

    // ---------------------------------------------------------------- helpers

    long inner(String value) {
        TensorType t = types.get(value);
        return product(t, axis.get(value) + 1, t.rank());
    }

    private static long product(TensorType t, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= t.dim(i);
        }
        return p;
    }

    static TensorType withRows(TensorType t, int a, int rows) {
        long[] dims = t.dims();
        dims[a] = rows;
        return t.withShape(dims);
    }

    private ConstValue value(Operation op, String param) {
        List<Binding> b = op.inputs().get(param);
        if (b == null || b.size() != 1) {
            throw unsupported(op, "has no single '" + param + "'");
        }
        ConstValue v = b.get(0).isName() ? constants.get(b.get(0).name()) : b.get(0).value();
        if (v == null) {
            throw unsupported(op, "'" + param + "' is not a constant");
        }
        return v;
    }

    private int[] ints(Operation op, String param) {
        NdArray t = ConstantDecoder.tensor(value(op, param));
        if (t.kind() == NdArray.Kind.F32 || t.kind() == NdArray.Kind.F16) {
            throw unsupported(op, "'" + param + "' is not integer");
        }
        return t.ints().clone();
    }

    private String string(Operation op, String param) {
        return ConstantDecoder.string(value(op, param));
    }

    static ConstValue intScalar(int value) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
        return new ConstValue.Immediate(TensorType.scalar(DataType.INT32), b.array(), null);
    }

    static ConstValue intTensor(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return new ConstValue.Immediate(TensorType.of(DataType.INT32, values.length), b.array(), null);
    }

    static Unsupported unsupported(Operation op, String why) {
        return new Unsupported("op '" + op.name() + "' (" + op.type() + "): " + why);
    }
}
