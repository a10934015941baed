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
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code MRT2DepthBodyRollout.{f16,f32}.mlpackage}: the whole depth rollout of one frame in one prediction
 * (mrt2-model.md §3.8, §6.2.3). Per level: adapter and depth layers for one position, attending to the K/V the
 * earlier levels left as in-graph tensors; final LayerNorm; the level's C logits only; soft cap; top-k threshold on
 * the raw capped logits; Gumbel-max with the host's noise and inverse temperature; the sampled code's scaled
 * embedding is the next level's input. FP16 is the shipped build (half the bytes), FP32 the token-exact reference.
 */
public final class DepthRolloutConverter implements PackageConverter<DepthRolloutConverter.Weights> {
    public static final String SCHEMA = "mrt2-depth-body-rollout-coreml-export-v1";
    public static final String F16_PACKAGE = "MRT2DepthBodyRollout.f16.mlpackage";
    public static final String F32_PACKAGE = "MRT2DepthBodyRollout.f32.mlpackage";
    public static final String FRAME = "temporal_frame";
    public static final String NOISE = "gumbel_noise";
    public static final String INVERSE_TEMPERATURE = "inverse_temperature";
    public static final String CODES = "sampled_codes";
    public static final String FEEDBACK = "temporal_feedback";

    /**
     * @param depth     the depth body's keys (§2.6)
     * @param embedding {@code [V, D]} token embedding: the per-level feedback tables come from its rows
     */
    public record Weights(DepthConverter.Weights depth, CheckpointTensor embedding) {}

    /** One depth layer's constants, made once and shared by every level. */
    private record LayerConstants(Var attnPre, Var query, Var key, Var value, Var queryScale, Var output,
                                  Var attnPost, Var ffnPre, Var ffn1, Var ffn1Bias, Var ffn2, Var ffn2Bias,
                                  Var ffnPost, int heads, int headDim) {}

    private final Mrt2Dims dims;
    private final DataType dtype;
    private final String packageName;

    private DepthRolloutConverter(Mrt2Dims dims, DataType dtype, String packageName) {
        this.dims = dims;
        this.dtype = dtype;
        this.packageName = packageName;
    }

    /** The shipped build: FP16 compute, fp32 inputs and feedback. */
    public static DepthRolloutConverter f16(Mrt2Dims dims) {
        return new DepthRolloutConverter(dims, DataType.FLOAT16, F16_PACKAGE);
    }

    /** The reference build: FP32 throughout, token-exact against the reference sampler. */
    public static DepthRolloutConverter f32(Mrt2Dims dims) {
        return new DepthRolloutConverter(dims, DataType.FLOAT32, F32_PACKAGE);
    }

    /** Entries the top-k threshold keeps: 40, or all C when a tiny codebook has fewer. */
    public int topK() {
        return Math.min(Mrt2Constants.TOP_K, dims.codebookSize());
    }

    @Override
    public PackageIdentity identity() {
        return new PackageIdentity(packageName, SCHEMA, dtype == DataType.FLOAT16 ? "float16" : "float32",
                "MRT2 depth rollout, " + (dtype == DataType.FLOAT16 ? "FP16" : "FP32") + ": all " + dims.rvqLevels()
                + " RVQ levels of one frame sampled in-graph (top-k " + topK() + ", Gumbel-max) with embedding feedback");
    }

    @Override
    public Weights load(SafetensorsFile f) {
        return new Weights(new DepthConverter(dims).load(f),
                CheckpointTensor.require(f, Mrt2Keys.EMBEDDING, dims.vocab(), dims.temporalDim()));
    }

    @Override
    public void build(MilBuilder mb, Weights w) {
        TransformerOps ops = new TransformerOps(mb, dtype);
        int levels = dims.rvqLevels();
        int c = dims.codebookSize();
        int d = dims.temporalDim();
        Var frame = mb.input(FRAME, TensorType.of(DataType.FLOAT32, 1, 1, d));
        Var noise = mb.input(NOISE, TensorType.of(DataType.FLOAT32, levels, c));
        Var inverseTemperature = mb.input(INVERSE_TEMPERATURE, TensorType.of(DataType.FLOAT32, 1));
        Var current = toCompute(mb, "temporal_frame_row", mb.reshape("temporal_frame_flat", frame, 1, d));
        Var noiseC = toCompute(mb, "gumbel_noise_compute", noise);
        Var invT = toCompute(mb, "inverse_temperature_compute", inverseTemperature);

        DepthConverter.Weights depth = w.depth();
        Var adapter = kernel(ops, "adapter_weight", depth.adapter());
        List<LayerConstants> layers = new ArrayList<>();
        for (int l = 0; l < depth.layers().size(); l++) {
            layers.add(layerConstants(ops, String.format(Locale.ROOT, "l%02d_", l), depth.layers().get(l)));
        }
        Var lnScale = ops.constants().of("final_ln_scale", depth.finalScale());
        Var lnBias = ops.constants().of("final_ln_bias", depth.finalBias());
        float[] logitsKernel = depth.logitsKernel().read();
        float[] logitsBias = depth.logitsBias().read();
        float[] embedding = w.embedding().read();
        Var cap = mb.scalar("soft_cap", dtype, Mrt2Constants.LOGIT_SOFT_CAP);
        Var mask = mb.scalar("topk_mask_value", dtype, Mrt2Constants.FP16_MASK);

        // Each level's K/V per depth layer, [1, H, 1, h]: the attention of level l concatenates entries 0..l.
        List<List<Var>> keys = new ArrayList<>();
        List<List<Var>> values = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            keys.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
        List<Var> codes = new ArrayList<>();
        List<Var> embeddings = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            String p = String.format(Locale.ROOT, "lv%02d_", level);
            // §3.8 step 1: y = current·A, then the depth layers for this one position.
            Var y = mb.linear(p + "adapter", current, adapter, null);
            for (int l = 0; l < layers.size(); l++) {
                y = layer(mb, ops, p + String.format(Locale.ROOT, "l%02d_", l), y, layers.get(l), keys.get(l), values.get(l));
            }
            // §3.8 step 2: LN, then only this level's C logits (per-level slices of W and b), soft-capped.
            Var normed = mb.layerNorm(p + "final_ln", y, new int[] {-1}, lnScale, lnBias, Mrt2Constants.NORM_EPSILON);
            int from = Mrt2Constants.RESERVED_TOKENS + c * level;
            Var levelW = ops.constants().of(p + "logits_weight", depth.logitsKernel(),
                    logitsSlice(logitsKernel, dims.depthDim(), dims.vocab(), from, c), c, dims.depthDim());
            Var levelB = ops.constants().of(p + "logits_bias", depth.logitsBias(),
                    java.util.Arrays.copyOfRange(logitsBias, from, from + c), c);
            Var z = mb.linear(p + "logits_raw", normed, levelW, levelB);
            Var logits = mb.mul(p + "logits", mb.tanh(p + "soft_cap_tanh", mb.realDiv(p + "soft_cap_in", z, cap)), cap);
            // §3.8 step 3: threshold = k-th largest raw capped logit (ties at the threshold stay in).
            Var top = mb.topk(p + "topk", logits, topK(), -1).get(0);
            Var threshold = mb.sliceByIndex(p + "topk_threshold", top, new int[] {0, topK() - 1},
                    new int[] {1, topK()});
            // §3.8 step 4: perturbed = logits * invT + g[level]; entries below the threshold become -1e4.
            Var g = mb.sliceByIndex(p + "noise", noiseC, new int[] {level, 0}, new int[] {level + 1, c});
            Var perturbed = mb.add(p + "perturbed", mb.mul(p + "tempered", logits, invT), g);
            Var keep = mb.greaterEqual(p + "in_top_k", logits, threshold);
            Var masked = mb.select(p + "masked", keep, perturbed, mask);
            // §3.8 step 5: the code (first index on ties), then sqrt(D)·Emb[6 + C·level + code] as the next input.
            Var code = mb.reduceArgmax(p + "code", masked, -1, false);
            Var table = ops.constants().of(p + "embedding_table", w.embedding(),
                    scaledRows(embedding, d, from, c), c, d);
            current = mb.gather(p + "embedding", table, code, 0);
            codes.add(code);
            embeddings.add(current);
        }
        mb.output(CODES, mb.concat(CODES, 0, codes.toArray(Var[]::new)));
        // §3.1 / §3.8: the feedback is the mean of the L scaled embeddings, i.e. the next frame's temporal input.
        Var stacked = mb.concat("feedback_rows", 0, embeddings.toArray(Var[]::new));
        Var mean = mb.reduceMean("feedback_mean", stacked, new int[] {0}, true);
        mb.output(FEEDBACK, dtype == DataType.FLOAT32 ? mean : mb.cast(FEEDBACK, mean, DataType.FLOAT32));
    }

    /** Per depth layer: §3.6 y += RMS(OutProj(Attn(RMS(y; pre))); post); y += RMS(FFN(RMS(y; pre)); post). */
    private Var layer(MilBuilder mb, TransformerOps ops, String p, Var y, LayerConstants c, List<Var> keys,
                      List<Var> values) {
        Var ya = norm(ops, p + "self_pre_norm", y, c.attnPre());
        Var attn = attention(mb, p + "self", ya, c, keys, values);
        y = mb.add(p + "self_residual", y, norm(ops, p + "self_post_norm", attn, c.attnPost()));
        Var yf = norm(ops, p + "ffn_pre_norm", y, c.ffnPre());
        Var hidden = mb.gelu(p + "ffn_gelu", mb.linear(p + "ffn_layer1", yf, c.ffn1(), c.ffn1Bias()),
                "TANH_APPROXIMATION");
        Var ffn = mb.linear(p + "ffn_layer2", hidden, c.ffn2(), c.ffn2Bias());
        return mb.add(p + "ffn_residual", y, norm(ops, p + "ffn_post_norm", ffn, c.ffnPost()));
    }

    /**
     * The new position's self-attention over itself and every earlier level (no mask, no sinks; per-dim query scale
     * §3.3). Its K/V are appended to the running lists first, so level l sees l + 1 entries.
     */
    private Var attention(MilBuilder mb, String p, Var x, LayerConstants c, List<Var> keys, List<Var> values) {
        int heads = c.heads();
        int h = c.headDim();
        Var q = mb.mul(p + "_q_scaled", mb.reshape(p + "_q_heads", mb.linear(p + "_q", x, c.query(), null),
                1, heads, 1, h), c.queryScale());
        keys.add(mb.reshape(p + "_k_heads", mb.linear(p + "_k", x, c.key(), null), 1, heads, 1, h));
        values.add(mb.reshape(p + "_v_heads", mb.linear(p + "_v", x, c.value(), null), 1, heads, 1, h));
        Var k = keys.size() == 1 ? keys.get(0) : mb.concat(p + "_keys", 2, keys.toArray(Var[]::new));
        Var v = values.size() == 1 ? values.get(0) : mb.concat(p + "_values", 2, values.toArray(Var[]::new));
        Var probs = mb.softmax(p + "_probs", mb.matmul(p + "_scores", q, k, false, true), -1);
        Var mixed = mb.matmul(p + "_mix", probs, v, false, false);
        return mb.linear(p + "_out", mb.reshape(p + "_context", mixed, 1, (long) heads * h), c.output(), null);
    }

    /** FP16 graphs use the headroom-safe RMSNorm (x² would overflow past |x| = 256), FP32 graphs the plain one. */
    private Var norm(TransformerOps ops, String name, Var x, Var scale) {
        return dtype == DataType.FLOAT16 ? ops.rmsNormWithHeadroom(name, x, scale) : ops.rmsNorm(name, x, scale);
    }

    private LayerConstants layerConstants(TransformerOps ops, String p, DepthConverter.Layer layer) {
        AttentionWeights a = layer.attention();
        FfnWeights f = layer.ffn();
        CheckedConstants c = ops.constants();
        float[] scale = WeightLayouts.queryScale(a.perDimScale().read());
        int d = a.output().dim(0);
        return new LayerConstants(
                c.of(p + "self_pre_norm_scale", a.preNorm()),
                kernel(ops, p + "self_q_weight", a.query()),
                kernel(ops, p + "self_k_weight", a.key()),
                kernel(ops, p + "self_v_weight", a.value()),
                c.of(p + "self_query_scale", a.perDimScale(), scale, a.headDim()),
                c.of(p + "self_out_weight", a.output(), d, a.output().elementCount() / d),
                c.of(p + "self_post_norm_scale", a.postNorm()),
                c.of(p + "ffn_pre_norm_scale", f.preNorm()),
                kernel(ops, p + "ffn_layer1_weight", f.kernel1()),
                c.of(p + "ffn_layer1_bias", f.bias1()),
                kernel(ops, p + "ffn_layer2_weight", f.kernel2()),
                c.of(p + "ffn_layer2_bias", f.bias2()),
                c.of(p + "ffn_post_norm_scale", f.postNorm()),
                a.heads(), a.headDim());
    }

    /** A Dense or Q/K/V kernel {@code [in, out]} as a {@code linear} weight {@code [out, in]} (§2.3). */
    private static Var kernel(TransformerOps ops, String name, CheckpointTensor k) {
        int in = k.dim(0);
        int out = Math.toIntExact(k.elementCount() / in);
        return ops.constants().linearWeight(name, k, in, out);
    }

    /** Columns {@code [from, from + n)} of the logits kernel {@code [rows, vocab]}, as a linear weight {@code [n, rows]}. */
    static float[] logitsSlice(float[] kernel, int rows, int vocab, int from, int n) {
        float[] out = new float[n * rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                out[j * rows + r] = kernel[r * vocab + from + j];
            }
        }
        return out;
    }

    /** Rows {@code [from, from + n)} of the embedding {@code [V, D]} times sqrt(D), the level's feedback table. */
    static float[] scaledRows(float[] embedding, int d, int from, int n) {
        float scale = Mrt2Constants.embeddingScale(d);
        float[] out = new float[n * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = scale * embedding[from * d + i];
        }
        return out;
    }

    @Override
    public SortedMap<String, Object> extraMetadata() {
        SortedMap<String, Object> sampling = new TreeMap<>();
        sampling.put("top_k", topK());
        sampling.put("top_k_scope", "per level, on the raw soft-capped logits of the level's " + dims.codebookSize()
                + " codes, before temperature; entries >= the k-th largest are kept");
        sampling.put("method", "code = argmax(select(logits >= threshold, logits * inverse_temperature + "
                + "gumbel_noise[level], " + Mrt2Constants.FP16_MASK + ")), first index on ties");
        sampling.put("inverse_temperature", "host sets 1 / max(0.05, T)");
        sampling.put("gumbel_noise", "host sets -ln(-ln(max(u, 1e-7))), u uniform in [0, 1), [levels, codes]");
        sampling.put("feedback", "mean over levels of sqrt(D) Emb[6 + C level + code] = the next frame's temporal "
                + "input");
        SortedMap<String, Object> extra = new TreeMap<>();
        extra.put("sampling", sampling);
        extra.put("levels", dims.rvqLevels());
        extra.put("codebook_size", dims.codebookSize());
        return extra;
    }

    /** fp32 boundary tensors into the compute precision. */
    private Var toCompute(MilBuilder mb, String name, Var x) {
        return dtype == DataType.FLOAT32 ? x : mb.cast(name, x, dtype);
    }
}
