package dev.mrt2.mil.exec;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.StateType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the {@code main} function of an ML Program on the CPU, the way Core ML would on a device, so a package can be
 * checked on any OS.
 *
 * <ul>
 *   <li><b>States</b> start at zero and persist across {@link #predict} calls of one executor, like an {@code MLState};
 *       {@link #resetStates()} zeroes them again. A call that fails leaves them as they were.</li>
 *   <li><b>FP16 is really FP16.</b> Every op computes in float32 and every output whose declared type is fp16 is
 *       rounded to binary16 (nearest even, overflow to infinity). That models a device that stores fp16 activations
 *       and accumulates in fp32; a package that overflows on a phone shows infinities here.</li>
 *   <li><b>Non-finite tracking</b>: {@link #firstNonFinite()} names the first op, in program order, whose output held
 *       a NaN or an infinity, and the call in which that first happened.</li>
 *   <li><b>Observers</b> see every op output, for per-op FP16 headroom.</li>
 * </ul>
 *
 * <p>Intermediate values are dropped after their last use. Not thread-safe: one executor, one caller.
 */
public final class MlProgramExecutor implements AutoCloseable {
    private final Model model;
    private final String label;
    private final Opset opset;
    private KernelContext context;
    private final ConstantTable constants;
    private final List<PlannedOp> plan = new ArrayList<>();
    private final Map<String, Var> functionInputs = new LinkedHashMap<>();
    private final Map<String, TensorType> stateTypes = new LinkedHashMap<>();
    private final List<String> blockOutputs;
    private final List<OpObserver> observers = new ArrayList<>();
    private final AutoCloseable owned;
    /** Whether {@link #constants} and {@link #context} belong to another executor ({@link #sharing}). */
    private final boolean borrowed;
    private Map<String, NdArray> states;
    private int calls;
    private double flopsPerCall = -1;
    private NonFiniteOp firstNonFinite;
    private boolean trackNonFinite = true;
    /** Ops that run inside their reader when movers are folded ({@link MoverFusion}). */
    private int foldedMovers;
    /** Whether outputs went unlooked-at at some point, so states may hold values nobody checked. */
    private boolean everUntracked;

    private MlProgramExecutor(Model model, String label, ExecutorBackend backend, AutoCloseable owned) {
        this(model, label, owned, null, null);
        // no backend given: the system property's, where "auto" loads native code only for convolutions
        ExecutorBackend chosen = backend != null ? backend : ExecutorBackend.fromSystemProperty(hasConvolutions());
        this.context = new KernelContext(chosen, halfLinearWeightsAsFloat());
    }

    /** Plans {@code model}; given {@code constants} and {@code context}, on another executor's ({@link #sharing}). */
    private MlProgramExecutor(Model model, String label, AutoCloseable owned, ConstantTable constants,
                              KernelContext context) {
        this.model = model;
        this.label = label;
        this.owned = owned;
        this.borrowed = constants != null;
        this.constants = borrowed ? constants : new ConstantTable();
        Function main;
        try {
            main = model.program().main();
            this.opset = Opset.fromName(main.opset());
        } catch (RuntimeException e) {
            throw new ExecutorException(label + ": " + e.getMessage(), e);
        }
        this.blockOutputs = main.block().outputs();
        planFunction(main);
        this.context = context;
        this.states = zeroStates();
    }

    /**
     * An executor for {@code derived}, a rewrite of this executor's program that keeps its constants (e.g. a
     * {@link TimeCrop}): it shares this one's decoded constants and kernel-ready weights, so it takes no weight memory
     * of its own. It runs on this one's backend, is valid while this one is open, and closing it releases nothing.
     * Not for use from two threads at once with this one.
     */
    public MlProgramExecutor sharing(Model derived, String derivedLabel) {
        return new MlProgramExecutor(derived, derivedLabel, null, constants, context);
    }

    /**
     * Reads the package (a {@link dev.mrt2.mil.MilException} names the package and the problem if it is malformed)
     * and keeps its weight file mapped until {@link #close()}. The backend comes from
     * {@link ExecutorBackend#fromSystemProperty(boolean)}: "auto" gives native kernels to a program with convolutions
     * only.
     */
    public static MlProgramExecutor load(Path pkg) {
        return load(pkg, null);
    }

    public static MlProgramExecutor load(Path pkg, ExecutorBackend backend) {
        MlPackage p = MlPackageReader.read(pkg);
        try {
            return new MlProgramExecutor(p.model(), pkg.getFileName().toString(), backend, p);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** Runs an already opened package; the caller keeps ownership and closes it after the executor. */
    public static MlProgramExecutor load(MlPackage pkg) {
        return load(pkg, null);
    }

    public static MlProgramExecutor load(MlPackage pkg, ExecutorBackend backend) {
        return new MlProgramExecutor(pkg.model(), pkg.path().getFileName().toString(), backend, null);
    }

    /** Loads a model held in memory (built with MilBuilder or read elsewhere); {@code label} prefixes every error. */
    public static MlProgramExecutor forModel(Model model, String label) {
        return forModel(model, label, null);
    }

    public static MlProgramExecutor forModel(Model model, String label, ExecutorBackend backend) {
        return new MlProgramExecutor(model, label, backend, null);
    }

    // ---------------------------------------------------------------- planning

    private void planFunction(Function main) {
        Set<String> defined = new HashSet<>();
        for (Var v : main.inputs()) {
            defined.add(v.name());
            if (v.type() instanceof StateType st) {
                stateTypes.put(v.name(), st.wrapped());
            } else {
                functionInputs.put(v.name(), v);
            }
        }
        checkDescription();
        Map<String, Integer> lastUse = new HashMap<>();
        for (Operation op : main.block().operations()) {
            if (op.isConst()) {
                for (Var out : op.outputs()) {
                    if (!borrowed) {
                        constants.add(out.name(), op.value());
                    } else if (constants.value(out.name()) != op.value() && constants.string(out.name()) == null) {
                        throw new ExecutorException(label + ": const '" + out.name()
                                + "' is not the program's it was derived from");
                    }
                    defined.add(out.name());
                }
                continue;
            }
            OpDef def = OpCatalog.executable(op.type());
            if (def == null) {
                throw new ExecutorException(label + ": op '" + op.name() + "' (" + op.type()
                        + "): op type not supported by the executor");
            }
            int index = plan.size();
            for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
                for (Binding b : e.getValue()) {
                    if (!b.isName()) continue;
                    if (!defined.contains(b.name())) {
                        throw new ExecutorException(label + ": op '" + op.name() + "' (" + op.type() + "): parameter '"
                                + e.getKey() + "' uses '" + b.name() + "', which is not defined before it");
                    }
                    lastUse.put(b.name(), index);
                }
            }
            PlannedOp planned;
            try {
                planned = new PlannedOp(op, def);
            } catch (RuntimeException e) {
                throw new ExecutorException(label + ": op '" + op.name() + "' (" + op.type() + "): " + e.getMessage(), e);
            }
            plan.add(planned);
            for (Var out : op.outputs()) {
                if (!defined.add(out.name())) {
                    throw new ExecutorException(label + ": value '" + out.name() + "' is defined twice");
                }
                if (!(out.type() instanceof TensorType)) {
                    throw new ExecutorException(label + ": op '" + op.name() + "' output '" + out.name() + "' is not a tensor");
                }
                lastUse.putIfAbsent(out.name(), index);
            }
        }
        for (String out : blockOutputs) {
            if (!defined.contains(out)) {
                throw new ExecutorException(label + ": block output '" + out + "' is never defined");
            }
        }
        SiblingLinears.group(plan, constants);
        Set<String> keep = new HashSet<>(blockOutputs);
        new TreeSet<>(lastUse.keySet()).forEach(name -> {
            if (!keep.contains(name) && !constants.contains(name) && !stateTypes.containsKey(name)) {
                plan.get(lastUse.get(name)).releaseAfter.add(name);
            }
        });
        foldedMovers = MoverFusion.apply(plan, blockOutputs, constants);
    }

    /** Bytes the binary16 constant weights of linear layers take once widened to float32. */
    private long halfLinearWeightsAsFloat() {
        long bytes = 0;
        for (PlannedOp op : plan) {
            List<PlannedOp.Arg> w = op.params.get("weight");
            if (op.type().equals("linear") && w != null && w.size() == 1 && w.get(0).isName()) {
                dev.mrt2.mil.ConstValue c = constants.value(w.get(0).name());
                if (c != null && c.type().dataType() == DataType.FLOAT16) {
                    bytes += 4 * c.type().elementCount();
                }
            }
        }
        return bytes;
    }

    /** The description must name the function's inputs, states and outputs, so callers can trust it. */
    private void checkDescription() {
        for (FeatureDescription f : model.description().inputs()) {
            Var v = functionInputs.get(f.name());
            if (v == null) {
                throw new ExecutorException(label + ": description input '" + f.name() + "' is not an input of main");
            }
            if (v.tensorType().elementCount() != f.type().elementCount() || v.tensorType().dataType() != f.type().dataType()) {
                throw new ExecutorException(label + ": input '" + f.name() + "' is " + f.type() + " in the description but "
                        + v.tensorType() + " in main");
            }
        }
        if (model.description().inputs().size() != functionInputs.size()) {
            throw new ExecutorException(label + ": main has " + functionInputs.size() + " tensor inputs, the description "
                    + model.description().inputs().size());
        }
        for (FeatureDescription f : model.description().states()) {
            if (!stateTypes.containsKey(f.name())) {
                throw new ExecutorException(label + ": description state '" + f.name() + "' is not a state of main");
            }
        }
        List<FeatureDescription> outs = model.description().outputs();
        if (outs.size() != blockOutputs.size()) {
            throw new ExecutorException(label + ": description lists " + outs.size() + " outputs, main returns " + blockOutputs.size());
        }
        for (int i = 0; i < outs.size(); i++) {
            if (!outs.get(i).name().equals(blockOutputs.get(i))) {
                throw new ExecutorException(label + ": output " + i + " is '" + outs.get(i).name()
                        + "' in the description but '" + blockOutputs.get(i) + "' in main");
            }
        }
    }

    // ---------------------------------------------------------------- public API

    public Model model() {
        return model;
    }

    public ExecutorBackend backend() {
        return context.backend();
    }

    /** The convolution backend actually in use (e.g. "djl-pytorch"), for logs and benchmark reports. */
    public String convBackendName() {
        return context.conv().name();
    }

    public List<FeatureDescription> inputs() {
        return model.description().inputs();
    }

    public List<FeatureDescription> outputs() {
        return model.description().outputs();
    }

    public List<FeatureDescription> stateDescriptions() {
        return model.description().states();
    }

    /** How many ops run inside their reader when movers are folded (tests check that folding happens). */
    int foldedMovers() {
        return foldedMovers;
    }

    /**
     * Floating-point operations of one call's heavy ops (linear, matmul, conv, conv_transpose; a multiply-add counts
     * two), from the program's declared types.
     */
    public double flopsPerCall() {
        if (flopsPerCall < 0) {
            flopsPerCall = ProgramCost.of(model).flops();
        }
        return flopsPerCall;
    }

    /** Completed {@link #predict} calls since the executor was created. */
    public int calls() {
        return calls;
    }

    public Optional<NonFiniteOp> firstNonFinite() {
        return Optional.ofNullable(firstNonFinite);
    }

    /**
     * Stops (false) or resumes looking for NaN and infinity in op outputs; while off, {@link #firstNonFinite()} learns
     * nothing new. For a caller whose observer looks at every output anyway (measuring maxima finds them too).
     */
    public void trackNonFinite(boolean on) {
        trackNonFinite = on;
        everUntracked |= !on;
    }

    public void addObserver(OpObserver observer) {
        observers.add(observer);
    }

    public void removeObserver(OpObserver observer) {
        observers.remove(observer);
    }

    /** Zeroes every state, as a fresh {@code MLState} would be. */
    public void resetStates() {
        states = zeroStates();
    }

    /** A copy of every state's current value, in declaration order. */
    public Map<String, NdArray> states() {
        Map<String, NdArray> out = new LinkedHashMap<>();
        states.forEach((k, v) -> out.put(k, v.copy()));
        return Collections.unmodifiableMap(out);
    }

    private Map<String, NdArray> zeroStates() {
        Map<String, NdArray> s = new LinkedHashMap<>();
        stateTypes.forEach((name, type) -> s.put(name, NdArray.zeros(NdArray.Kind.F16, type.intDims())));
        return s;
    }

    /**
     * Runs main once. {@code inputs} must hold exactly the description's inputs, each with its shape and kind
     * (fp32 → F32, fp16 → F16, int32 → I32). Returns every output, in description order.
     */
    public Map<String, NdArray> predict(Map<String, NdArray> inputs) {
        CallValues values = startCall(inputs, calls, new LinkedHashMap<>(states));
        boolean fold = foldMovers();
        for (PlannedOp op : plan) {
            if (fold && op.foldedInto != null) {
                continue;   // its reader computes its output
            }
            run(op, values, fold);
        }
        Map<String, NdArray> result = outputs(values);
        commitNonFinite(List.of(values));
        states = values.working;
        calls++;
        return result;
    }

    /**
     * Runs main once for each element of {@code inputs}, with the results {@link #predict} would give called on each in
     * turn, bit for bit, but op by op across the calls: a linear layer with a constant weight multiplies every call's
     * rows at once ({@link LinearBatch}), so the weight is read from memory once for the whole batch instead of once
     * per call. For independent calls whose inputs are all known up front (stored fixture frames); only a program
     * without states, whose calls cannot depend on each other. Observers see each op's outputs call by call, op by op;
     * {@link #firstNonFinite()} and {@link #calls()} end as after the calls in turn.
     */
    public List<Map<String, NdArray>> predictAll(List<Map<String, NdArray>> inputs) {
        if (!stateTypes.isEmpty()) {
            throw new ExecutorException(label + ": a program with states runs one call at a time (predict) or one "
                    + "call per lane (lanes); predictAll is for programs without states");
        }
        List<CallValues> batch = new ArrayList<>();
        for (Map<String, NdArray> in : inputs) {
            batch.add(startCall(in, calls + batch.size(), new LinkedHashMap<>()));
        }
        return runBatch(batch);
    }

    /**
     * {@code count} independent sets of this program's states ("lanes"), each at zero like a fresh {@code MLState},
     * stepped together ({@link Lanes#predict}): several streams through one stateful program, such as the
     * teacher-forced runs of several reference arms, read each weight once per step for all of them. The executor's own
     * states are not touched.
     */
    public Lanes lanes(int count) {
        return new Lanes(count);
    }

    /** Independent state sets stepped together; see {@link #lanes}. */
    public final class Lanes {
        private final List<Map<String, NdArray>> laneStates = new ArrayList<>();

        private Lanes(int count) {
            for (int i = 0; i < count; i++) {
                laneStates.add(zeroStates());
            }
        }

        /**
         * One call per lane, {@code inputs.get(i)} on lane i's states, with the results and states each lane would get
         * from its own {@link #predict} calls, bit for bit ({@link #predictAll}'s batching). A call that fails leaves
         * every lane's states as they were.
         */
        public List<Map<String, NdArray>> predict(List<Map<String, NdArray>> inputs) {
            if (inputs.size() != laneStates.size()) {
                throw new ExecutorException(label + ": " + inputs.size() + " inputs for " + laneStates.size()
                        + " lanes");
            }
            List<CallValues> batch = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                batch.add(startCall(inputs.get(i), calls + i, new LinkedHashMap<>(laneStates.get(i))));
            }
            List<Map<String, NdArray>> results = runBatch(batch);
            for (int i = 0; i < batch.size(); i++) {
                laneStates.set(i, batch.get(i).working);
            }
            return results;
        }
    }

    /** Runs a batch of started calls op by op, linear products shared ({@link LinearBatch}); their outputs. */
    private List<Map<String, NdArray>> runBatch(List<CallValues> batch) {
        boolean fold = foldMovers();
        boolean batched = batch.size() > 1 && !context.scalar();
        for (PlannedOp op : plan) {
            if (fold && op.foldedInto != null) {
                continue;   // its reader computes its output
            }
            if (batched) {
                LinearBatch.precompute(op, batch, fold, context, opset);
            }
            for (CallValues values : batch) {
                run(op, values, fold);
            }
        }
        List<Map<String, NdArray>> results = new ArrayList<>();
        for (CallValues values : batch) {
            results.add(outputs(values));
        }
        commitNonFinite(batch);
        calls += batch.size();
        return Collections.unmodifiableList(results);
    }

    /**
     * How many calls of at most {@code wanted} a {@link #predictAll} batch should hold here: 1 unless the program has no
     * states and no convolutions (a convolution's call gains nothing from a batch) and has linear layers on constant
     * weights; then as many as keep every op output of the batch (an upper bound on what it holds at once) within
     * {@code budgetBytes}.
     */
    int callsPerBatch(int wanted, long budgetBytes) {
        if (!stateTypes.isEmpty() || context.scalar() || hasConvolutions()
                || plan.stream().noneMatch(op -> op.type().equals("linear"))) {
            return 1;
        }
        long perCall = 0;
        for (PlannedOp op : plan) {
            for (int[] dims : op.outputDims) {
                perCall += dims == null ? 0 : 4 * dev.mrt2.tensor.NdArray.size(dims);
            }
        }
        return (int) Math.max(1, Math.min(wanted, budgetBytes / Math.max(1, perCall)));
    }

    /** Whether any op is a convolution (native kernels and batching are chosen by it). */
    private boolean hasConvolutions() {
        return plan.stream().anyMatch(op -> op.type().startsWith("conv"));
    }

    /** One call's values: its inputs bound and checked, and its working copy of the states. */
    private CallValues startCall(Map<String, NdArray> inputs, int call, Map<String, NdArray> working) {
        Map<String, NdArray> env = new HashMap<>();
        bindInputs(inputs, env);
        CallValues values = new CallValues(env, working, call);
        if (tracking(values)) {
            env.forEach((name, v) -> {
                if (!v.isFloat() || !hasNonFinite(v.floats())) values.finite.add(name);
            });
        }
        return values;
    }

    private Map<String, NdArray> outputs(CallValues values) {
        Map<String, NdArray> result = new LinkedHashMap<>();
        for (FeatureDescription f : model.description().outputs()) {
            result.put(f.name(), describedOutput(f, values.env.get(f.name())));
        }
        return Collections.unmodifiableMap(result);
    }

    /** The first non-finite op of the earliest call that found one, unless an earlier call already had. */
    private void commitNonFinite(List<CallValues> batch) {
        for (CallValues values : batch) {
            if (firstNonFinite == null && values.nonFinite != null) {
                firstNonFinite = values.nonFinite;
            }
        }
    }

    private void bindInputs(Map<String, NdArray> inputs, Map<String, NdArray> env) {
        for (String name : new TreeSet<>(inputs.keySet())) {
            if (!functionInputs.containsKey(name)) {
                throw new ExecutorException(label + ": unknown input '" + name + "'; inputs are " + inputNames());
            }
        }
        for (FeatureDescription f : model.description().inputs()) {
            NdArray v = inputs.get(f.name());
            if (v == null) {
                throw new ExecutorException(label + ": missing input '" + f.name() + "' (" + f.type() + ")");
            }
            NdArray.Kind want = kindOf(f.type().dataType());
            if (v.kind() != want || !Arrays.equals(v.shape(), f.type().intDims())) {
                throw new ExecutorException(label + ": input '" + f.name() + "': expected " + f.type() + ", got "
                        + v.kind().name().toLowerCase(Locale.ROOT) + Arrays.toString(v.shape()));
            }
            // a rank-0 MIL input is described as [1] (coreml-mlpackage.md §5.4)
            env.put(f.name(), v.reshape(functionInputs.get(f.name()).tensorType().intDims()));
        }
    }

    private List<String> inputNames() {
        List<String> names = new ArrayList<>();
        model.description().inputs().forEach(f -> names.add(f.name()));
        return names;
    }

    /**
     * Whether this call runs folded movers ({@link MoverFusion}): not while an observer must see every op output, and
     * never on the scalar backend, the oracle that runs every op as written.
     */
    private boolean foldMovers() {
        return observers.isEmpty() && !context.scalar();
    }

    private void run(PlannedOp op, CallValues values, boolean fold) {
        Map<String, NdArray> env = values.env;
        List<NdArray> results;
        OpArgs args = new OpArgs(op, values, context, opset);
        boolean fused = fold && op.fused != null;
        try {
            results = fused ? List.of(op.fused.run(args, p -> new OpArgs(p, values, context, opset)))
                    : op.kernel.run(args);
        } catch (ExecutorException e) {
            throw new ExecutorException(label + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ExecutorException(label + ": op '" + op.name() + "' (" + op.type() + "): " + e, e);
        }
        List<Var> outs = op.op.outputs();
        if (results.size() != outs.size()) {
            throw new ExecutorException(label + ": op '" + op.name() + "' (" + op.type() + ") declares " + outs.size()
                    + " outputs but computed " + results.size());
        }
        // such an op on finite values yields finite values, unless rounding to fp16 overflows on the way out
        boolean fromFinite = op.keepsFinite && (fused ? op.fusedInlineFinite : op.inlineFinite) && tracking(values)
                && values.allFinite(fused ? op.fusedInputNames : op.inputNames);
        for (int i = 0; i < outs.size(); i++) {
            NdArray raw = results.get(i);
            Conformed conformed = conform(op, args, raw, i);
            NdArray value = conformed.value();
            String name = outs.get(i).name();
            env.put(name, value);
            for (OpObserver o : observers) {
                o.onOutput(op.name(), op.type(), value);
            }
            if (tracking(values)) {
                boolean known = !value.isFloat() || conformed.roundedFinite() || (fromFinite
                        && !(raw.kind() == NdArray.Kind.F32 && value.kind() == NdArray.Kind.F16));
                if (known || !hasNonFinite(value.floats())) {
                    values.finite.add(name);
                } else {
                    values.nonFinite = new NonFiniteOp(op.name(), op.type(), values.call);
                }
            }
        }
        for (String name : op.releaseAfter) {
            env.remove(name);
        }
    }

    /**
     * An op output with its declared type; {@code roundedFinite} when it was rounded to binary16 here and every rounded
     * value is finite (the rounding pass looked at each one, so non-finite tracking need not look again).
     */
    private record Conformed(NdArray value, boolean roundedFinite) {}

    /** Checks a kernel result against the op's declared output type and gives it that type (rounding fp16). */
    private Conformed conform(PlannedOp op, OpArgs args, NdArray r, int output) {
        TensorType declared = op.op.outputs().get(output).tensorType();
        int[] shape = op.outputDims[output];
        if (!Arrays.equals(r.shape(), shape)) {
            throw new ExecutorException(label + ": op '" + op.name() + "' (" + op.type() + "): computed shape "
                    + Arrays.toString(r.shape()) + " but the op declares " + declared);
        }
        NdArray.Kind want = kindOf(declared.dataType());
        if (r.kind() == want) {
            return new Conformed(r, false);
        }
        if (want == NdArray.Kind.F16 && r.kind() == NdArray.Kind.F32) {
            // a pass-through kernel may hand back an input's own array, which must not be rounded in place
            float[] f = args.bindsArray(r.floats()) ? r.floats().clone() : r.floats();
            boolean finite = Fp16Rounding.roundInPlace(f);
            return new Conformed(NdArray.f16Rounded(shape, f), finite);
        }
        if (want == NdArray.Kind.F32 && r.kind() == NdArray.Kind.F16) {
            return new Conformed(NdArray.f32(shape, r.floats()), false);     // every binary16 value is a float32 value
        }
        throw new ExecutorException(label + ": op '" + op.name() + "' (" + op.type() + "): computed "
                + r.kind().name().toLowerCase(Locale.ROOT) + " values but the op declares " + declared);
    }

    /** Whether op outputs of this call are still looked at for NaN and infinity (on, and none found yet). */
    private boolean tracking(CallValues values) {
        return trackNonFinite && firstNonFinite == null && values.nonFinite == null;
    }

    private NdArray describedOutput(FeatureDescription f, NdArray v) {
        NdArray.Kind want = kindOf(f.type().dataType());
        NdArray shaped = v.reshape(f.type().intDims());
        if (shaped.kind() == want) {
            return shaped;
        }
        if (want == NdArray.Kind.F32 && shaped.kind() == NdArray.Kind.F16) {
            return NdArray.f32(shaped.shape(), shaped.floats());
        }
        if (want == NdArray.Kind.F16 && shaped.kind() == NdArray.Kind.F32) {
            return NdArray.f16(shaped.shape(), shaped.floats());
        }
        throw new ExecutorException(label + ": output '" + f.name() + "' is " + f.type() + " in the description but main computes "
                + v.kind().name().toLowerCase(Locale.ROOT));
    }

    /** Values per task when looking for non-finite values (a decoder activation holds millions). */
    private static final int SCAN_GRAIN = 1 << 18;

    /** Whether any value is an infinity or a NaN, looked for on all cores when there are many. */
    static boolean hasNonFinite(float[] values) {
        if (values.length <= SCAN_GRAIN) {
            return hasNonFinite(values, 0, values.length);
        }
        java.util.concurrent.atomic.AtomicBoolean found = new java.util.concurrent.atomic.AtomicBoolean();
        Parallel.range(values.length, SCAN_GRAIN, (from, to) -> {
            if (!found.get() && hasNonFinite(values, from, to)) {
                found.set(true);
            }
        });
        return found.get();
    }

    /** {@code v · 0} is 0 for every finite v and NaN otherwise. */
    private static boolean hasNonFinite(float[] values, int from, int to) {
        float a = 0f, b = 0f, c = 0f, d = 0f;   // four independent sums keep the adder busy
        int i = from;
        for (; i + 4 <= to; i += 4) {
            a += values[i] * 0f;
            b += values[i + 1] * 0f;
            c += values[i + 2] * 0f;
            d += values[i + 3] * 0f;
        }
        for (; i < to; i++) {
            a += values[i] * 0f;
        }
        return Float.isNaN(a + b + c + d);
    }

    static NdArray.Kind kindOf(DataType t) {
        return switch (t) {
            case FLOAT16 -> NdArray.Kind.F16;
            case FLOAT32, FLOAT64 -> NdArray.Kind.F32;
            case BOOL -> NdArray.Kind.BOOL;
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32 -> NdArray.Kind.I32;
            case STRING -> throw new ExecutorException("string tensors are not supported as op values");
        };
    }

    @Override
    public void close() {
        if (!borrowed) {
            context.close();
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new ExecutorException(label + ": closing the package: " + e.getMessage(), e);
            }
        }
    }

    /** Name resolution for one call: live values, then constants; states through the call's working copy. */
    final class CallValues implements ValueSource {
        final Map<String, NdArray> env;
        private final Map<String, NdArray> working;
        /** This call's 0-based index among the executor's calls. */
        private final int call;
        /** Values of this call known to hold no NaN or infinity (inputs and op outputs looked at, movers of them). */
        final Set<String> finite = new HashSet<>();
        /** The first op of this call whose output held a NaN or an infinity, or null. */
        private NonFiniteOp nonFinite;
        /** Products computed for the whole batch ({@link LinearBatch}), by op name, until the op takes its own. */
        private final Map<String, float[]> products = new HashMap<>();

        CallValues(Map<String, NdArray> env, Map<String, NdArray> working, int call) {
            this.env = env;
            this.working = working;
            this.call = call;
        }

        void putProduct(String opName, float[] product) {
            products.put(opName, product);
        }

        boolean hasProduct(String opName) {
            return products.containsKey(opName);
        }

        @Override
        public float[] takeProduct(String opName) {
            return products.remove(opName);
        }

        @Override
        public NdArray tensor(String name) {
            NdArray t = env.get(name);
            return t != null ? t : constants.tensor(name);
        }

        @Override
        public NdArray peek(String name) {
            NdArray t = env.get(name);
            return t != null ? t : constants.decodedOrNull(name);
        }

        @Override
        public dev.mrt2.mil.ConstValue constantValue(String name) {
            return constants.value(name);
        }

        @Override
        public String string(String name) {
            return constants.string(name);
        }

        @Override
        public boolean isConstant(String name) {
            return constants.contains(name);
        }

        @Override
        public boolean isState(String name) {
            return stateTypes.containsKey(name);
        }

        /**
         * Whether every named value is known finite: looked at in this call, a state (zero, or written from outputs
         * that were looked at while no non-finite op had been found), or a decoded constant without NaN or infinity.
         */
        boolean allFinite(List<String> names) {
            for (String name : names) {
                boolean checkedState = !everUntracked && stateTypes.containsKey(name);
                if (!finite.contains(name) && !checkedState && !constants.finite(name)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public NdArray readState(String name) {
            return working.get(name);
        }

        @Override
        public void writeState(String name, NdArray value) {
            working.put(name, value);
        }
    }
}
