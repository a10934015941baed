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
import java.util.function.Function;

/**
 * {@code MRT2DepthBody.mlpackage}: the depth transformer over all RVQ-level positions of one frame at once, FP32,
 * ending in soft-capped logits over the whole vocabulary (mrt2-model.md §3.6, §6.1.2). Position k reads level k;
 * causality makes rows after k irrelevant, so the host may leave them unfilled.
 */
public final class DepthConverter implements PackageConverter<DepthConverter.Weights> {
    public static final String PACKAGE_NAME = "MRT2DepthBody.mlpackage";
    public static final String SCHEMA = "mrt2-depth-body-logits-coreml-export-v1";
    public static final String INPUT = "depth_inputs";
    public static final String OUTPUT = "depth_logits";

    /** The depth keys of one layer (§2.6): self-attention without sinks, then the FFN. */
    record Layer(AttentionWeights attention, FfnWeights ffn) {}

    /**
     * Every depth key (§2.6).
     *
     * @param adapter      {@code [D, d]} depth_input_adapter, no bias
     * @param layers       the depth layers
     * @param finalScale   {@code [d]} final LayerNorm scale
     * @param finalBias    {@code [d]} final LayerNorm bias
     * @param logitsKernel {@code [d, V]} to_logits kernel
     * @param logitsBias   {@code [V]} to_logits bias
     */
    public record Weights(CheckpointTensor adapter, List<Layer> layers, CheckpointTensor finalScale,
                          CheckpointTensor finalBias, CheckpointTensor logitsKernel, CheckpointTensor logitsBias) {}

    private final Mrt2Dims dims;

    public DepthConverter(Mrt2Dims dims) {
        this.dims = dims;
    }

    /** Sequence positions: one per generated RVQ level (12). */
    public int positions() {
        return dims.rvqLevels();
    }

    @Override
    public PackageIdentity identity() {
        return new PackageIdentity(PACKAGE_NAME, SCHEMA, "float32",
                "MRT2 depth transformer, FP32, soft-capped logits for all RVQ levels of one frame (causal)");
    }

    @Override
    public Weights load(SafetensorsFile f) {
        int d = dims.depthDim();
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < dims.depthLayers(); l++) {
            int layer = l;
            Function<String, String> keyOf = sub -> Mrt2Keys.depthLayer(layer, sub);
            layers.add(new Layer(
                    AttentionWeights.load(f, keyOf, Mrt2Keys.SELF, d, d, dims.depthHeads(), dims.depthHeadDim()),
                    FfnWeights.load(f, keyOf, d, dims.depthFfn())));
        }
        return new Weights(
                CheckpointTensor.require(f, Mrt2Keys.depth("depth_input_adapter/kernel"), dims.temporalDim(), d),
                layers,
                CheckpointTensor.require(f, Mrt2Keys.depth("final_ln/scale"), d),
                CheckpointTensor.require(f, Mrt2Keys.depth("final_ln/bias"), d),
                CheckpointTensor.require(f, Mrt2Keys.depth("to_logits/kernel"), d, dims.vocab()),
                CheckpointTensor.require(f, Mrt2Keys.depth("to_logits/bias"), dims.vocab()));
    }

    @Override
    public void build(MilBuilder mb, Weights w) {
        TransformerOps ops = new TransformerOps(mb, DataType.FLOAT32);
        Var input = mb.input(INPUT, TensorType.of(DataType.FLOAT32, 1, positions(), dims.temporalDim()));
        // §3.6: y = x·A (adapter, no bias).
        Var y = ops.linear("adapter", input, w.adapter(), null);
        // §6.1.2: additive causal mask [P, P], shared by every layer: position k sees positions 0..k.
        Var mask = mb.constant("causal_mask", TensorType.of(DataType.FLOAT32, positions(), positions()),
                causalMask(positions()));
        for (int l = 0; l < w.layers().size(); l++) {
            Layer layer = w.layers().get(l);
            String p = String.format(Locale.ROOT, "l%02d_", l);
            // §3.6: y += RMS(OutProj(CausalAttn(RMS(y; pre))); post)
            Var ya = ops.rmsNorm(p + "self_pre_norm", y, layer.attention().preNorm());
            Var attn = attention(mb, ops, p + "self", ya, layer.attention(), mask);
            y = mb.add(p + "self_residual", y, ops.rmsNorm(p + "self_post_norm", attn, layer.attention().postNorm()));
            // §3.6: y += RMS(FFN(RMS(y; pre)); post), GELU-tanh FFN with biases
            Var yf = ops.rmsNorm(p + "ffn_pre_norm", y, layer.ffn().preNorm());
            Var ffn = ops.feedForward(p + "ffn", yf, layer.ffn());
            y = mb.add(p + "ffn_residual", y, ops.rmsNorm(p + "ffn_post_norm", ffn, layer.ffn().postNorm()));
        }
        // §3.6: LN(y; final_ln) with bias, eps 1e-6.
        Var normed = mb.layerNorm("final_ln", y, new int[] {-1}, ops.constants().of("final_ln_scale", w.finalScale()),
                ops.constants().of("final_ln_bias", w.finalBias()), Mrt2Constants.NORM_EPSILON);
        // §3.6, §6.1.2: z = y·W + b over the full vocabulary, then the soft cap 30·tanh(z / 30).
        Var z = ops.linear("to_logits", normed, w.logitsKernel(), w.logitsBias());
        Var cap = mb.scalar("soft_cap", DataType.FLOAT32, Mrt2Constants.LOGIT_SOFT_CAP);
        Var capped = mb.tanh("soft_cap_tanh", mb.realDiv("soft_cap_in", z, cap));
        mb.output(OUTPUT, mb.mul(OUTPUT, capped, cap));
    }

    /** Causal self-attention over the P positions with the per-dim query scale, no sinks (§3.6). */
    private Var attention(MilBuilder mb, TransformerOps ops, String p, Var x, AttentionWeights a, Var mask) {
        int heads = a.heads();
        int h = a.headDim();
        int n = positions();
        float[] scale = WeightLayouts.queryScale(a.perDimScale().read());
        Var s = ops.constants().of(p + "_query_scale", a.perDimScale(), scale, h);
        // q, k, v as [1, H, P, h]
        Var q = mb.mul(p + "_q_scaled", heads(mb, p + "_q", ops.linear(p + "_q", x, a.query(), null), heads, h), s);
        Var k = heads(mb, p + "_k", ops.linear(p + "_k", x, a.key(), null), heads, h);
        Var v = heads(mb, p + "_v", ops.linear(p + "_v", x, a.value(), null), heads, h);
        Var scores = mb.add(p + "_scores_masked", mb.matmul(p + "_scores", q, k, false, true), mask);
        Var probs = mb.softmax(p + "_probs", scores, -1);
        Var mixed = mb.transpose(p + "_mix_positions", mb.matmul(p + "_mix", probs, v, false, false), 0, 2, 1, 3);
        return ops.outputProjection(p + "_out", mb.reshape(p + "_context", mixed, 1, n, (long) heads * h), a.output());
    }

    /** {@code [1, P, H * h] -> [1, H, P, h]} (head-major columns, §2.3). */
    private Var heads(MilBuilder mb, String name, Var x, int heads, int h) {
        Var split = mb.reshape(name + "_split", x, 1, positions(), heads, h);
        return mb.transpose(name + "_heads", split, 0, 2, 1, 3);
    }

    /**
     * {@code mask[row][col] = 0} where {@code col <= row}, else {@link Mrt2Constants#FP32_MASK}. The depth past horizon
     * equals the number of positions, so the window limit {@code col >= row - P} never masks anything.
     */
    static float[] causalMask(int n) {
        float[] mask = new float[n * n];
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                mask[row * n + col] = col <= row ? 0f : Mrt2Constants.FP32_MASK;
            }
        }
        return mask;
    }
}
