package dev.mrt2.model;

import java.util.Locale;

/**
 * Checkpoint key names (mrt2-model.md §2, Appendix A). Every key of the real {@code mrt2_small.safetensors} is built
 * here and nowhere else; layer indices are decimal without padding ({@code x_layers_3}).
 */
public final class Mrt2Keys {
    private Mrt2Keys() {}

    public static final String DEPTHFORMER = "params/depthformer/decoder/";
    /** {@code [V, D]} token embedding; row = unique token id. */
    public static final String EMBEDDING = DEPTHFORMER + "decoder_embedding/embedding/embedding";
    /** {@code [stored levels, C, E]} SpectroStream RVQ codebooks, level-major. */
    public static final String QUANTIZER = "params/soundstream/quantizer/embedding";
    public static final String CODEC = "params/soundstream/decoder/";
    public static final String ENCODER = "params/depthformer/encoder/body/";

    /** {@code params/depthformer/decoder/temporal_body/transformer/x_layers_{layer}/{sub}}. */
    public static String temporal(int layer, String sub) {
        return DEPTHFORMER + "temporal_body/transformer/x_layers_" + layer + "/" + sub;
    }

    /** A key directly under the depth body, e.g. {@code depth_input_adapter/kernel}, {@code final_ln/scale}. */
    public static String depth(String sub) {
        return DEPTHFORMER + "depth_body/" + sub;
    }

    /** {@code .../depth_body/transformer/x_layers_{layer}/{sub}}. */
    public static String depthLayer(int layer, String sub) {
        return depth("transformer/x_layers_" + layer + "/" + sub);
    }

    /** A SpectroStream decoder conv: {@code block} e.g. {@code decoder_0/conv2d_3x3}, {@code leaf} kernel or bias. */
    public static String codec(String block, String leaf) {
        return CODEC + block + "/conv/" + leaf;
    }

    public static String encoder(String sub) {
        return ENCODER + sub;
    }

    // Sub-keys inside one attention block (self_attention or cross_attention), relative to the layer.
    public static String preNorm(String block) { return block + "/pre_norm/scale"; }
    public static String postNorm(String block) { return block + "/post_norm/scale"; }
    public static String query(String block) { return block + "/attention/query_projection/kernel"; }
    public static String key(String block) { return block + "/attention/key_projection/kernel"; }
    public static String value(String block) { return block + "/attention/value_projection/kernel"; }
    public static String perDimScale(String block) { return block + "/attention/per_dim_scale"; }
    public static String sinkKey(String block) { return block + "/attention/sink_key_embeddings"; }
    public static String sinkValue(String block) { return block + "/attention/sink_value_embeddings"; }
    public static String outputProjection(String block) { return block + "/output_projection/kernel"; }

    public static final String SELF = "self_attention";
    public static final String CROSS = "cross_attention";
    public static final String FFN = "ffn";
    public static final String FFN_PRE_NORM = "ffn/pre_norm/scale";
    public static final String FFN_POST_NORM = "ffn/post_norm/scale";
    public static final String FFN1_KERNEL = "ffn/ffn_layer1/kernel";
    public static final String FFN1_BIAS = "ffn/ffn_layer1/bias";
    public static final String FFN2_KERNEL = "ffn/ffn_layer2/kernel";
    public static final String FFN2_BIAS = "ffn/ffn_layer2/bias";

    /** The 48 temporal cache base names in declaration order (Appendix B): layer -> self, cross -> key, value. */
    public static java.util.List<String> cacheNames(int layers) {
        java.util.List<String> names = new java.util.ArrayList<>(layers * 4);
        for (int l = 0; l < layers; l++) {
            for (String kind : new String[] {"self", "cross"}) {
                for (String role : new String[] {"key", "value"}) {
                    names.add(String.format(Locale.ROOT, "temporal_layer_%02d_%s_%s_cache", l, kind, role));
                }
            }
        }
        return names;
    }
}
