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
    public String packageName() {
        return PACKAGE_NAME;
    }

    @Override
    public String schema() {
        return SCHEMA;
    }

    @Override
    public String precision() {
        return "float16";
    }

    @Override
    public String shortDescription() {
        return "MRT2 temporal transformer step, FP16, stateful 41-frame self/cross KV caches (chronological shift)";
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

        for (int l = 0; l < w.layers().size(); l++) {
            Layer layer = w.layers().get(l);
            String p = String.format("l%02d_", l);
            List<Var> c = caches.subList(4 * l, 4 * l + 4);   // self key, self value, cross key, cross value
            // §3.2 step 1: x += RMS(OutProj(SelfAttn(RMS(x; pre))); post); K/V from the normed stream.
            Var xs = ops.rmsNormWithHeadroom(p + "self_pre_norm", x, layer.self().preNorm());
            Var self = attention(mb, ops, p + "self", xs, xs, layer.self(), layer.selfSinks(), c.get(0), c.get(1),
                    bias);
            self = ops.rmsNormWithHeadroom(p + "self_post_norm", self, layer.self().postNorm());
            x = mb.add(p + "self_residual", x, self);
            // §3.2 step 2: the same with K/V from the raw source_encoded (§3.3: no norm on the source).
            Var xc = ops.rmsNormWithHeadroom(p + "cross_pre_norm", x, layer.cross().preNorm());
            Var cross = attention(mb, ops, p + "cross", xc, src, layer.cross(), layer.crossSinks(), c.get(2), c.get(3),
                    bias);
            cross = ops.rmsNormWithHeadroom(p + "cross_post_norm", cross, layer.cross().postNorm());
            x = mb.add(p + "cross_residual", x, cross);
            // §3.2 step 3: x += RMS(GELU_tanh(RMS(x; pre)·W1 + b1)·W2 + b2; post).
            Var xf = ops.rmsNormWithHeadroom(p + "ffn_pre_norm", x, layer.ffn().preNorm());
            Var ffn = ops.rmsNormWithHeadroom(p + "ffn_post_norm", ops.feedForward(p + "ffn", xf, layer.ffn()),
                    layer.ffn().postNorm());
            x = mb.add(p + "ffn_residual", x, ffn);
        }
        // §2.5: no final norm; back to fp32 at the boundary.
        mb.output(OUTPUT, mb.cast(OUTPUT, x, DataType.FLOAT32));
    }

    /**
     * One attention block of one frame (§3.3-3.5): the query attends over [SK / s, 41 cache rows, current key] with
     * the host bias added to the scaled scores; then the cache shifts by one row to take the current frame.
     */
    private Var attention(MilBuilder mb, TransformerOps ops, String p, Var queryIn, Var kvIn, AttentionWeights a,
                          SinkWeights sinks, Var keyCache, Var valueCache, Var bias) {
        int heads = a.heads();
        int h = a.headDim();
        int window = Mrt2Constants.WINDOW;
        // Per-dim query scale s (weights only, so a constant) applied to q as [1, H, 1, h].
        float[] scale = WeightLayouts.queryScale(a.perDimScale().read());
        Var s = ops.constants().of(p + "_query_scale", a.perDimScale(), scale, h);
        Var q = mb.reshape(p + "_q_heads", ops.linear(p + "_q", queryIn, a.query(), null), 1, heads, 1, h);
        Var qScaled = mb.mul(p + "_q_scaled", q, s);
        // K/V of the current frame, shaped like one cache row [1, 1, H, h] (caches hold K/V after projection).
        Var k = mb.reshape(p + "_k_row", ops.linear(p + "_k", kvIn, a.key(), null), 1, 1, heads, h);
        Var v = mb.reshape(p + "_v_row", ops.linear(p + "_v", kvIn, a.value(), null), 1, 1, heads, h);
        // Keys [1, H, slots, h] = [SK / s, cache, k]: SK / s turns the scaled query's product into the sink logit
        // of the UNSCALED query (§3.4).
        Var sinkKey = ops.constants().of(p + "_sink_key", sinks.key(),
                WeightLayouts.sinkKeysOverScale(sinks.key().read(), scale), 1, sinks.count(), heads, h);
        Var sinkValue = ops.constants().of(p + "_sink_value", sinks.value(), 1, sinks.count(), heads, h);
        Var cachedK = mb.readState(p + "_key_cache", keyCache);
        Var cachedV = mb.readState(p + "_value_cache", valueCache);
        Var keys = mb.transpose(p + "_keys", mb.concat(p + "_key_rows", 1, sinkKey, cachedK, k), 0, 2, 1, 3);
        Var values = mb.transpose(p + "_values", mb.concat(p + "_value_rows", 1, sinkValue, cachedV, v), 0, 2, 1, 3);
        // Scores [1, H, 1, slots] + host bias (0 valid, -1e4 invalid; broadcast over heads), softmax over the slots.
        Var scores = mb.add(p + "_scores_biased", mb.matmul(p + "_scores", qScaled, keys, false, true), bias);
        Var probs = mb.softmax(p + "_probs", scores, -1);
        Var mixed = mb.matmul(p + "_mix", probs, values, false, false);
        Var context = mb.reshape(p + "_context", mixed, 1, 1, (long) heads * h);
        Var out = ops.outputProjection(p + "_out", context, a.output());
        // Chronological shift: drop row 0 (the oldest), append the current frame as row 40.
        int[] begin = {0, 1, 0, 0};
        int[] end = {1, window, heads, h};
        Var keptK = mb.sliceByIndex(p + "_key_cache_kept", cachedK, begin, end);
        mb.writeState(p + "_key_cache_write", keyCache, mb.concat(p + "_key_cache_next", 1, keptK, k));
        Var keptV = mb.sliceByIndex(p + "_value_cache_kept", cachedV, begin, end);
        mb.writeState(p + "_value_cache_write", valueCache, mb.concat(p + "_value_cache_next", 1, keptV, v));
        return out;
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
