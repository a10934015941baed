package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code MRT2TemporalBody.mlpackage}: one step of the temporal transformer as a stateful FP16 ML Program that carries
 * its 41-frame history across predictions (mrt2-model.md §3.2-3.5, §6.1.1; the bias input follows §6.2.2).
 *
 * <p>Each of the 48 caches {@code [1, 41, H, h]} is kept in chronological order: the graph reads it, attends over
 * {@code [sinks, 41 cache rows, current frame]} with the host's {@code cache_valid_bias} added to the scores, then
 * writes back {@code concat(cache[:, 1:], current)}. Shapes stay static; the host says which rows hold real frames.
 */
public final class TemporalConverter implements PackageConverter<TemporalConverter.Weights> {
    public static final String PACKAGE_NAME = "MRT2TemporalBody.mlpackage";
    public static final String SCHEMA = "mrt2-temporal-body-stateful-coreml-export-v1";
    public static final String INPUT = "temporal_inputs";
    public static final String SOURCE = "source_encoded";
    public static final String BIAS = "cache_valid_bias";
    public static final String OUTPUT = "temporal_outputs";

    /** The temporal keys of one layer (§2.5). */
    record Layer(AttentionWeights self, SinkWeights selfSinks, AttentionWeights cross, SinkWeights crossSinks,
                 FfnWeights ffn) {}

    /** Every temporal key, layer by layer. */
    public record Weights(List<Layer> layers) {}

    private final Mrt2Dims dims;

    public TemporalConverter(Mrt2Dims dims) {
        this.dims = dims;
    }

    /** Slots one query attends over: sinks + the 41 cache rows + the current frame (43 for the real model). */
    public int slots() {
        return dims.sinks() + Mrt2Constants.WINDOW + 1;
    }

    @Override
    public PackageIdentity identity() {
        return new PackageIdentity(PACKAGE_NAME, SCHEMA, "float16",
                "MRT2 temporal transformer step, FP16, stateful 41-frame self/cross KV caches (chronological shift)");
    }

    @Override
    public Weights load(SafetensorsFile f) {
        int d = dims.temporalDim();
        int heads = dims.temporalHeads();
        int h = dims.temporalHeadDim();
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < dims.temporalLayers(); l++) {
            int layer = l;
            Function<String, String> keyOf = sub -> Mrt2Keys.temporal(layer, sub);
            layers.add(new Layer(
                    AttentionWeights.load(f, keyOf, Mrt2Keys.SELF, d, d, heads, h),
                    SinkWeights.load(f, keyOf, Mrt2Keys.SELF, dims.sinks(), heads, h),
                    AttentionWeights.load(f, keyOf, Mrt2Keys.CROSS, d, dims.sourceDim(), heads, h),
                    SinkWeights.load(f, keyOf, Mrt2Keys.CROSS, dims.sinks(), heads, h),
                    FfnWeights.load(f, keyOf, d, dims.temporalFfn())));
        }
        return new Weights(layers);
    }

    @Override
    public void build(MilBuilder mb, Weights w) {
        TransformerOps ops = new TransformerOps(mb, DataType.FLOAT16);
        // Boundary: fp32 activations in, the host's FP16 validity bias, 48 FP16 caches in Appendix B order.
        Var input = mb.input(INPUT, TensorType.of(DataType.FLOAT32, 1, 1, dims.temporalDim()));
        Var source = mb.input(SOURCE, TensorType.of(DataType.FLOAT32, 1, 1, dims.sourceDim()));
        Var bias = mb.input(BIAS, TensorType.of(DataType.FLOAT16, 1, 1, 1, slots()));
        List<Var> caches = new ArrayList<>();
        for (String name : Mrt2Keys.cacheNames(dims.temporalLayers())) {
            caches.add(mb.state(name, cacheType()));
        }
        Var x = mb.cast("temporal_inputs_fp16", input, DataType.FLOAT16);
        Var src = mb.cast("source_encoded_fp16", source, DataType.FLOAT16);
        Var out = new TemporalStack(mb, ops, stateShift(mb, caches)).frame(w, x, src, bias);
        // §2.5: no final norm; back to fp32 at the boundary.
        mb.output(OUTPUT, mb.cast(OUTPUT, out, DataType.FLOAT32));
    }

    /**
     * The stateful cache plumbing: past rows are read from the state; afterwards the state shifts by one row in
     * chronological order, dropping row 0 (the oldest) and appending the current frame's K/V as row 40.
     */
    private static TemporalStack.KvRows stateShift(MilBuilder mb, List<Var> states) {
        return new TemporalStack.KvRows() {
            @Override
            public Var past(String name, int index) {
                return mb.readState(name, states.get(index));
            }

            @Override
            public void current(String name, int index, Var past, Var row) {
                TensorType t = past.tensorType();
                int[] begin = {0, 1, 0, 0};
                int[] end = {1, Mrt2Constants.WINDOW, Math.toIntExact(t.dim(2)), Math.toIntExact(t.dim(3))};
                Var kept = mb.sliceByIndex(name + "_kept", past, begin, end);
                mb.writeState(name + "_write", states.get(index), mb.concat(name + "_next", 1, kept, row));
            }
        };
    }

    private TensorType cacheType() {
        return TensorType.of(DataType.FLOAT16, 1, Mrt2Constants.WINDOW, dims.temporalHeads(), dims.temporalHeadDim());
    }

    /** The host protocol in machine-readable form (repeated in the repository's MODELS.md). */
    @Override
    public SortedMap<String, Object> extraMetadata() {
        SortedMap<String, Object> protocol = new TreeMap<>();
        protocol.put("cache_rows", Mrt2Constants.WINDOW);
        protocol.put("cache_update", "in-graph chronological shift: each prediction drops cache row 0 and appends the "
                + "current frame's K/V as row " + (Mrt2Constants.WINDOW - 1));
        protocol.put("cache_reset", "a fresh MLState (all caches zero) starts a stream at step 0");
        String sinks = dims.sinks() == 1 ? "index 0 = sink" : "indices 0.." + (dims.sinks() - 1) + " = sinks";
        protocol.put("cache_valid_bias_layout", sinks + " (always 0), index " + dims.sinks()
                + " + r = cache row r, index " + (slots() - 1) + " = current frame (always 0)");
        protocol.put("cache_valid_bias_rule", "at step s (0-based) valid = min(s, " + Mrt2Constants.WINDOW
                + "); cache row r gets 0 if r >= " + Mrt2Constants.WINDOW + " - valid, else "
                + Mrt2Constants.FP16_MASK);
        protocol.put("mask_value", (double) Mrt2Constants.FP16_MASK);
        SortedMap<String, Object> extra = new TreeMap<>();
        extra.put("host_protocol", protocol);
        return extra;
    }
}
