package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.tensor.NdArray;
import java.util.List;

/**
 * The SpectroStream decoder in chunk mode (mrt2-model.md §4.2, §4.3, §14): RVQ embeddings {@code [T][E]} to the
 * pre-iSTFT tensor {@code [1, 4T - 4, 480, 4]}, channels-last. It runs in NCHW with transposed convs in the
 * checkpoint's native form (§14.4: the unflipped kernel over the zero-inserted input, summed one output phase at a
 * time so the inserted zeros are never multiplied, {@link Planes#transposeConv}), deliberately not the flipped-kernel
 * {@code conv_transpose} the converter emits, so a wrong flip on either side cannot hide.
 */
public final class DecoderReference {
    /** Upsampling blocks of the shared-weight channel-group child (§4.2, block 5), in order. */
    static final List<String> CHILD_BLOCKS = List.of("decoder_1", "decoder_2", "decoder_3", "decoder_4",
            "decoder_5", "decoder_6");

    private final DecoderWeights weights;
    private final Conv2d engine;
    private final int topWidth;

    /** @param topWidth W, channels per group entering the parallel block (512) */
    public DecoderReference(DecoderWeights weights, Conv2d engine, int topWidth) {
        this.weights = weights;
        this.engine = engine;
        this.topWidth = topWidth;
    }

    public static DecoderReference load(SafetensorsFile file, Mrt2Dims dims, Conv2d engine) {
        return new DecoderReference(DecoderWeights.read(file, dims), engine, dims.codecTopWidth());
    }

    /** Decodes {@code embeddings [T][E]} (T >= 2) to {@code decoder_stft [1, 4T - 4, bins, 4]}. */
    public NdArray decode(float[][] embeddings) {
        int frames = embeddings.length;
        if (frames * Mrt2Constants.CODEC_TIME_STRIDE <= Mrt2Constants.CODEC_LOOKAHEAD_FRAMES) {
            throw new IllegalArgumentException("the decoder needs at least 2 frames, got " + frames);
        }
        // 0: ExpandDims -> [B, T, 1, E], here NCHW [E, T, 1]
        Chw x = fromFrames(embeddings);
        // 1: input_layer: conv1x1_first(x) + conv1x1_b2(ELU(conv1x1_b1(x))), no activation on the main branch
        Chw main = conv("input_layer/conv1x1_first", x);
        Chw side = conv("input_layer/shortcut_layer/conv1x1_b2",
                Planes.elu(conv("input_layer/shortcut_layer/conv1x1_b1", x)));
        x = Planes.add(main, side);
        // 2: Reshape [1, bins*W] -> [bins, W]: channel c goes to frequency c / W, channel c % W
        x = binsFromChannels(x, topWidth);
        // 3: input_layers_residual_unit: x + conv3x3(ELU(conv3x3_a(ELU(x))))
        x = Planes.add(x, conv("input_layers_residual_unit/conv2d_3x3",
                Planes.elu(conv("input_layers_residual_unit/conv2d_3x3_a", Planes.elu(x)))));
        // 4: decoder_0, stride (2, 1), W -> 2W
        x = upBlock("decoder_0", x);
        // 5: ParallelChannels: equal channel groups through the same child, outputs concatenated in group order
        int groups = Mrt2Constants.CODEC_CHANNEL_SPLITS;
        int perGroup = x.channels() / groups;
        Chw[] outputs = new Chw[groups];
        for (int g = 0; g < groups; g++) {
            outputs[g] = child(Planes.channels(x, g * perGroup, perGroup));
        }
        // 6: Lookahead: drop the first 4 STFT frames (one token frame)
        Chw y = Planes.dropFrontRows(Planes.concatChannels(outputs), Mrt2Constants.CODEC_LOOKAHEAD_FRAMES);
        return channelsLast(y);
    }

    /** The parallel block's child: decoder_1..decoder_6, then output_layer = conv7x7(ELU(x)) (plain, not residual). */
    private Chw child(Chw x) {
        for (String block : CHILD_BLOCKS) {
            x = upBlock(block, x);
        }
        return conv("output_layer/base_conv_last", Planes.elu(x));
    }

    /**
     * A residual upsampling block: main {@code conv3x3(ELU(convT(ELU(x))))}, side {@code Up(conv1x1(x))} (or
     * {@code Up(x)} when channels do not change), conv before upsampling; the sum.
     */
    private Chw upBlock(String block, Chw x) {
        DecoderWeights.Conv transpose = weights.transposeOf(block);
        int st = transpose.spec().st();
        int sf = transpose.spec().sf();
        Chw main = Planes.transposeConv(engine, Planes.elu(x), transpose.weights(), st, sf);
        main = conv(block + "/conv2d_3x3", Planes.elu(main));
        String shortcut = block + "/shortcut_layer/conv1x1";
        Chw side = weights.has(shortcut) ? conv(shortcut, x) : x;
        return Planes.add(main, Planes.upsample(side, st, sf));
    }

    private Chw conv(String path, Chw x) {
        return Planes.conv(engine, x, weights.conv(path).weights());
    }

    private static Chw fromFrames(float[][] embeddings) {
        int t = embeddings.length;
        int e = embeddings[0].length;
        Chw x = Chw.zeros(e, t, 1);
        for (int f = 0; f < t; f++) {
            if (embeddings[f].length != e) {
                throw new IllegalArgumentException("embedding frame " + f + " has " + embeddings[f].length
                        + " values, frame 0 has " + e);
            }
            for (int c = 0; c < e; c++) {
                x.data()[x.index(c, f, 0)] = embeddings[f][c];
            }
        }
        return x;
    }

    static Chw binsFromChannels(Chw x, int width) {
        int bins = x.channels() / width;
        Chw y = Chw.zeros(width, x.time(), bins);
        for (int c = 0; c < x.channels(); c++) {
            for (int t = 0; t < x.time(); t++) {
                y.data()[y.index(c % width, t, c / width)] = x.at(c, t, 0);
            }
        }
        return y;
    }

    private static NdArray channelsLast(Chw y) {
        float[] out = new float[y.data().length];
        int i = 0;
        for (int t = 0; t < y.time(); t++) {
            for (int f = 0; f < y.freq(); f++) {
                for (int c = 0; c < y.channels(); c++) {
                    out[i++] = y.at(c, t, f);
                }
            }
        }
        return NdArray.f32(new int[] {1, y.time(), y.freq(), y.channels()}, out);
    }
}
