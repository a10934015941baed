package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.model.CodecBlock;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Layout;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code SpectroStreamDecoder.mlpackage}: the SpectroStream conv decoder, RVQ embeddings to the pre-iSTFT tensor,
 * FP32 (mrt2-model.md §4.2-4.3 with §14, §6.1.3); the graph is {@link DecoderGraph}. It also loads the weights for
 * the FP16 package ({@link DecoderF16Converter}).
 */
public final class DecoderConverter implements PackageConverter<DecoderConverter.Weights> {
    public static final String PACKAGE_NAME = "SpectroStreamDecoder.mlpackage";
    public static final String SCHEMA = "spectrostream-decoder-conv-coreml-export-v1";
    public static final String INPUT = "decoder_embeddings";
    public static final String OUTPUT = "decoder_stft";
    public static final int DEFAULT_FRAMES = 25;

    /**
     * One codec convolution (§2.9).
     *
     * @param block  kernel size, strides and channels
     * @param kernel {@code [kt, kf, cin, cout]}
     * @param bias   {@code [cout]}
     */
    record Conv(CodecBlock block, CheckpointTensor kernel, CheckpointTensor bias) {
        String opName() {
            return block.path().replace('/', '_');
        }
    }

    /**
     * One upsampling residual block (§4.2): main {@code ELU -> ConvT -> ELU -> Conv3x3}, side
     * {@code [Conv1x1] -> NearestUpsample(st, sf)}.
     *
     * @param shortcut the side branch's 1x1 conv, null when the channel count does not change
     */
    record UpBlock(Conv transpose, Conv conv, Conv shortcut) {}

    /**
     * Every decoder key (§2.9).
     *
     * @param projection  input_layer/conv1x1_first, E -> bins * W
     * @param sideIn      input_layer/shortcut_layer/conv1x1_b1, E -> bins * W
     * @param sideOut     input_layer/shortcut_layer/conv1x1_b2, bins * W -> bins * W
     * @param residualA   input_layers_residual_unit/conv2d_3x3_a, W -> W
     * @param residualB   input_layers_residual_unit/conv2d_3x3, W -> W
     * @param decoder0    decoder_0, W -> 2W (both channel groups), strides (2, 1)
     * @param groupBlocks decoder_1 .. decoder_6, run per channel group with shared weights
     * @param outputConv  output_layer/base_conv_last, W/8 -> 2
     */
    public record Weights(Conv projection, Conv sideIn, Conv sideOut, Conv residualA, Conv residualB, UpBlock decoder0,
                          List<UpBlock> groupBlocks, Conv outputConv) {}

    private final Mrt2Dims dims;
    private final int frames;

    /** {@code frames} = T, the token frames per call (25 by default); the output has 4T - 4 STFT frames. */
    public DecoderConverter(Mrt2Dims dims, int frames) {
        int minFrames = Mrt2Constants.CODEC_LOOKAHEAD_FRAMES / Mrt2Constants.CODEC_TIME_STRIDE + 1;
        if (frames < minFrames) {
            throw new IllegalArgumentException("--decoder-frames " + frames + ": need at least " + minFrames
                    + " (the first token frame is lookahead only)");
        }
        this.dims = dims;
        this.frames = frames;
    }

    public int frames() {
        return frames;
    }

    /** STFT frames out: 4T - 4. */
    public int outputFrames() {
        return Mrt2Constants.CODEC_TIME_STRIDE * frames - Mrt2Constants.CODEC_LOOKAHEAD_FRAMES;
    }

    @Override
    public PackageIdentity identity() {
        return new PackageIdentity(PACKAGE_NAME, SCHEMA, "float32",
                "SpectroStream conv decoder, FP32: " + frames + " frames of summed RVQ embeddings to "
                + outputFrames() + " STFT frames (channels-last)");
    }

    @Override
    public Weights load(SafetensorsFile f) {
        TreeMap<String, CodecBlock> byPath = new TreeMap<>();
        Set<String> upBlocks = new LinkedHashSet<>();   // decoder_0 .. decoder_6 in checkpoint order
        for (CodecBlock b : Mrt2Layout.codecConvs(dims)) {
            byPath.put(b.path(), b);
            if (b.transpose()) {
                upBlocks.add(b.path().substring(0, b.path().indexOf('/')));
            }
        }
        List<UpBlock> blocks = new ArrayList<>();
        for (String name : upBlocks) {
            CodecBlock transpose = byPath.values().stream()
                    .filter(b -> b.transpose() && b.path().startsWith(name + "/")).findFirst().orElseThrow();
            String shortcut = name + "/shortcut_layer/conv1x1";
            blocks.add(new UpBlock(conv(f, transpose), conv(f, byPath.get(name + "/conv2d_3x3")),
                    byPath.containsKey(shortcut) ? conv(f, byPath.get(shortcut)) : null));
        }
        return new Weights(
                conv(f, byPath.get("input_layer/conv1x1_first")),
                conv(f, byPath.get("input_layer/shortcut_layer/conv1x1_b1")),
                conv(f, byPath.get("input_layer/shortcut_layer/conv1x1_b2")),
                conv(f, byPath.get("input_layers_residual_unit/conv2d_3x3_a")),
                conv(f, byPath.get("input_layers_residual_unit/conv2d_3x3")),
                blocks.get(0),
                List.copyOf(blocks.subList(1, blocks.size())),
                conv(f, byPath.get("output_layer/base_conv_last")));
    }

    private static Conv conv(SafetensorsFile f, CodecBlock b) {
        return new Conv(b, CheckpointTensor.require(f, b.kernelKey(), b.kt(), b.kf(), b.cin(), b.cout()),
                CheckpointTensor.require(f, b.biasKey(), b.cout()));
    }

    @Override
    public void build(MilBuilder mb, Weights w) {
        new DecoderGraph(dims, frames, DataType.FLOAT32, RescalePlan.none(null, "fp32")).build(mb, w);
    }

    @Override
    public SortedMap<String, Object> extraMetadata() {
        SortedMap<String, Object> extra = new TreeMap<>();
        extra.put("frames", frames);
        extra.put("stft_frames", outputFrames());
        extra.put("output_channels", "[re_0, im_0, re_1, im_1] per STFT bin (DC kept, Nyquist dropped)");
        return extra;
    }
}
