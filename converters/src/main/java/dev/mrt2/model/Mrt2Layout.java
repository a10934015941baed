package dev.mrt2.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The full key layout of an MRT2 checkpoint for given dimensions, in the documentation order of Appendix A
 * (which is also {@code mrt2-small-keys.tsv}'s order). {@code keys(Mrt2Dims.small())} is exactly the real file's 374 keys.
 */
public final class Mrt2Layout {
    private Mrt2Layout() {}

    /** One checkpoint tensor: key and shape (all F32). */
    public record KeySpec(String key, List<Long> shape) {
        public KeySpec {
            shape = List.copyOf(shape);
        }

        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    static final String MULAN_TABLE = "layers_1/branched_mulan_embedder/mulan_embedder/mulan_dequantizer/embedding";
    static final String MULAN_ADAPTER = "layers_1/branched_mulan_embedder/mulan_embedder/depth_input_adapter/kernel";
    static final String REGULAR_TABLE = "layers_1/branched_regular_embedder/regular_embedder/embedding";

    public static List<KeySpec> keys(Mrt2Dims d) {
        List<KeySpec> out = new ArrayList<>(374);
        add(out, Mrt2Keys.EMBEDDING, d.vocab(), d.temporalDim());
        for (int l = 0; l < d.temporalLayers(); l++) {
            temporalLayer(out, d, l);
        }
        add(out, Mrt2Keys.depth("depth_input_adapter/kernel"), d.temporalDim(), d.depthDim());
        for (int l = 0; l < d.depthLayers(); l++) {
            depthLayer(out, d, l);
        }
        add(out, Mrt2Keys.depth("final_ln/scale"), d.depthDim());
        add(out, Mrt2Keys.depth("final_ln/bias"), d.depthDim());
        add(out, Mrt2Keys.depth("to_logits/kernel"), d.depthDim(), d.vocab());
        add(out, Mrt2Keys.depth("to_logits/bias"), d.vocab());
        add(out, Mrt2Keys.encoder(MULAN_TABLE), d.mulanRows(), d.mulanDim());
        add(out, Mrt2Keys.encoder(MULAN_ADAPTER), d.mulanDim(), d.sourceDim());
        add(out, Mrt2Keys.encoder(REGULAR_TABLE), d.regularRows(), d.sourceDim());
        add(out, Mrt2Keys.encoder("encoder_ln/scale"), d.sourceDim());
        add(out, Mrt2Keys.encoder("encoder_ln/bias"), d.sourceDim());
        add(out, Mrt2Keys.QUANTIZER, d.storedLevels(), d.codebookSize(), d.codebookDim());
        for (CodecBlock c : codecConvs(d)) {
            add(out, c.kernelKey(), c.kt(), c.kf(), c.cin(), c.cout());
            add(out, c.biasKey(), c.cout());
        }
        return out;
    }

    private static void temporalLayer(List<KeySpec> out, Mrt2Dims d, int l) {
        int dm = d.temporalDim();
        int h = d.temporalHeads();
        int hd = d.temporalHeadDim();
        for (String block : new String[] {Mrt2Keys.SELF, Mrt2Keys.CROSS}) {
            int kvIn = block.equals(Mrt2Keys.SELF) ? dm : d.sourceDim();
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.preNorm(block)), dm);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.query(block)), dm, h, hd);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.key(block)), kvIn, h, hd);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.value(block)), kvIn, h, hd);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.perDimScale(block)), hd);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.sinkKey(block)), d.sinks(), h, hd);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.sinkValue(block)), d.sinks(), h, hd);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.outputProjection(block)), dm, h, hd);
            add(out, Mrt2Keys.temporal(l, Mrt2Keys.postNorm(block)), dm);
        }
        ffn(out, Mrt2Keys.temporal(l, ""), dm, d.temporalFfn());
    }

    private static void depthLayer(List<KeySpec> out, Mrt2Dims d, int l) {
        int dm = d.depthDim();
        String block = Mrt2Keys.SELF;
        add(out, Mrt2Keys.depthLayer(l, Mrt2Keys.preNorm(block)), dm);
        add(out, Mrt2Keys.depthLayer(l, Mrt2Keys.query(block)), dm, d.depthHeads(), d.depthHeadDim());
        add(out, Mrt2Keys.depthLayer(l, Mrt2Keys.key(block)), dm, d.depthHeads(), d.depthHeadDim());
        add(out, Mrt2Keys.depthLayer(l, Mrt2Keys.value(block)), dm, d.depthHeads(), d.depthHeadDim());
        add(out, Mrt2Keys.depthLayer(l, Mrt2Keys.perDimScale(block)), d.depthHeadDim());
        add(out, Mrt2Keys.depthLayer(l, Mrt2Keys.outputProjection(block)), dm, d.depthHeads(), d.depthHeadDim());
        add(out, Mrt2Keys.depthLayer(l, Mrt2Keys.postNorm(block)), dm);
        ffn(out, Mrt2Keys.depthLayer(l, ""), dm, d.depthFfn());
    }

    private static void ffn(List<KeySpec> out, String prefix, int dm, int hidden) {
        add(out, prefix + Mrt2Keys.FFN_PRE_NORM, dm);
        add(out, prefix + Mrt2Keys.FFN1_KERNEL, dm, hidden);
        add(out, prefix + Mrt2Keys.FFN1_BIAS, hidden);
        add(out, prefix + Mrt2Keys.FFN2_KERNEL, hidden, dm);
        add(out, prefix + Mrt2Keys.FFN2_BIAS, dm);
        add(out, prefix + Mrt2Keys.FFN_POST_NORM, dm);
    }

    /**
     * The 24 codec convolutions in checkpoint order (§2.9). With top width W: input projection E -> 5W (bins x W),
     * residual unit W, decoder_0 W -> 2W (both channel groups), then per group W -> W/2 -> W/2 -> W/2 -> W/4 -> W/4 -> W/8
     * -> 2 output channels. Strides (time, freq) per block: (2,1), (2,2), (1,2), (1,2), (1,3), (1,2), (1,2).
     */
    public static List<CodecBlock> codecConvs(Mrt2Dims d) {
        int w = d.codecTopWidth();
        int e = d.codebookDim();
        int proj = d.codecInputBins() * w;
        List<CodecBlock> c = new ArrayList<>();
        c.add(CodecBlock.conv("input_layer/conv1x1_first", 1, e, proj));
        c.add(CodecBlock.conv("input_layer/shortcut_layer/conv1x1_b1", 1, e, proj));
        c.add(CodecBlock.conv("input_layer/shortcut_layer/conv1x1_b2", 1, proj, proj));
        c.add(CodecBlock.conv("input_layers_residual_unit/conv2d_3x3_a", 3, w, w));
        c.add(CodecBlock.conv("input_layers_residual_unit/conv2d_3x3", 3, w, w));
        upBlock(c, "decoder_0", 2, 1, w, 2 * w, true);
        upBlock(c, "decoder_1", 2, 2, w, w / 2, true);
        upBlock(c, "decoder_2", 1, 2, w / 2, w / 2, false);
        upBlock(c, "decoder_3", 1, 2, w / 2, w / 2, false);
        upBlock(c, "decoder_4", 1, 3, w / 2, w / 4, true);
        upBlock(c, "decoder_5", 1, 2, w / 4, w / 4, false);
        upBlock(c, "decoder_6", 1, 2, w / 4, w / 8, true);
        c.add(CodecBlock.conv("output_layer/base_conv_last", 7, w / 8, Mrt2Constants.CODEC_OUTPUT_CHANNELS / Mrt2Constants.CODEC_CHANNEL_SPLITS));
        return c;
    }

    /** Transpose conv, 3x3 conv, and (when channels change) the 1x1 shortcut conv of one upsampling block. */
    private static void upBlock(List<CodecBlock> c, String block, int st, int sf, int cin, int cout, boolean shortcut) {
        c.add(CodecBlock.transpose(block, st, sf, cin, cout));
        c.add(CodecBlock.conv(block + "/conv2d_3x3", 3, cout, cout));
        if (shortcut) {
            c.add(CodecBlock.conv(block + "/shortcut_layer/conv1x1", 1, cin, cout));
        }
    }

    private static void add(List<KeySpec> out, String key, long... shape) {
        List<Long> s = new ArrayList<>(shape.length);
        for (long v : shape) {
            s.add(v);
        }
        out.add(new KeySpec(key, s));
    }
}
