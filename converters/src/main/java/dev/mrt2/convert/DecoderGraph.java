package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;

/**
 * The SpectroStream decoder graph (mrt2-model.md §4.2-4.3 with §14), shared by the FP32 reference package and the
 * FP16 package with the §4.6 rescale. Public I/O is fp32 channels-last; inside everything runs NCHW
 * {@code [N, C, T, F]} (time = H, frequency = W) in the compute precision, and the two shared-weight channel groups
 * of the parallel block are folded into the batch axis.
 */
final class DecoderGraph {
    /** What the rescale changed in the graph, for the export metadata. */
    record Summary(int elusSwapped, int biasesScaled) {}

    private final Mrt2Dims dims;
    private final int frames;
    private final DataType compute;
    private final RescalePlan plan;

    /** {@code plan} must be inactive for FP32, where nothing overflows. */
    DecoderGraph(Mrt2Dims dims, int frames, DataType compute, RescalePlan plan) {
        if (compute != DataType.FLOAT32 && compute != DataType.FLOAT16) {
            throw new IllegalArgumentException("decoder compute precision must be fp32 or fp16, got " + compute);
        }
        if (compute == DataType.FLOAT32 && plan.active()) {
            throw new IllegalArgumentException("the FP16 rescale applies to an FP16 graph only");
        }
        this.dims = dims;
        this.frames = frames;
        this.compute = compute;
        this.plan = plan;
    }

    Summary build(MilBuilder mb, DecoderConverter.Weights w) {
        CodecOps ops = new CodecOps(mb, compute, 1f);
        CodecOps scaled = new CodecOps(mb, compute, plan.scale());
        int width = dims.codecTopWidth();
        int bins = dims.codecInputBins();
        int splits = Mrt2Constants.CODEC_CHANNEL_SPLITS;
        Var input = mb.input(DecoderConverter.INPUT, TensorType.of(DataType.FLOAT32, 1, frames, dims.codebookDim()));
        Var x = compute == DataType.FLOAT32 ? input : mb.cast("input_fp16", input, compute);
        // §4.2 row 0: channels-last [1, T, 1, E] (a frequency axis of size 1) is NCHW [1, E, T, 1].
        x = mb.expandDims("input_nchw", mb.transpose("input_channels_first", x, 0, 2, 1), 3);
        // Row 1, input_layer: conv1x1_first(x) + conv1x1_b2(ELU(conv1x1_b1(x))); no activation on the main branch.
        Var side = ops.conv(w.sideOut(), ops.elu(w.sideIn().opName() + "_elu", ops.conv(w.sideIn(), x)));
        x = mb.add("input_layer", ops.conv(w.projection(), x), side);
        // Row 2: channel c -> (bin c / W, channel c % W): [1, bins * W, T, 1] -> [1, bins, W, T] -> [1, W, T, bins].
        x = mb.transpose("input_bins", mb.reshape("input_bins_split", x, 1, bins, width, frames), 0, 2, 3, 1);
        // Row 3, residual unit: x + Conv3x3(ELU(Conv3x3_a(ELU(x)))).
        Var inner = ops.conv(w.residualA(), ops.elu("input_layers_residual_unit_elu_a", x));
        inner = ops.conv(w.residualB(), ops.elu("input_layers_residual_unit_elu", inner));
        x = mb.add("input_layers_residual_unit", x, inner);
        // Row 4, decoder_0: [1, W, T, bins] -> [1, 2W, 2T, bins].
        x = ops.upBlock("decoder_0", x, w.decoder0());
        // Row 5, parallel channels with shared weights: group g (channels gW .. gW + W - 1) becomes batch g.
        long[] folded = x.tensorType().dims();
        x = mb.reshape("groups_to_batch", x, splits, folded[1] / splits, folded[2], folded[3]);
        int last = DecoderProfile.CHILD_BLOCKS.size() - 1;
        for (int i = 0; i <= last; i++) {
            String block = DecoderProfile.CHILD_BLOCKS.get(i);
            if (plan.active() && i == plan.entry()) {
                x = mb.mul("fp16_rescale_in", x, 1f / plan.scale());
            }
            CodecOps blockOps = plan.covers(i) ? scaled : ops;
            if (i < last) {
                x = blockOps.upBlock(block, x, w.groupBlocks().get(i));
            } else {
                // output_layer (plain serial): ELU -> Conv7x7 -> [groups, 2, 4T, bins_out].
                x = blockOps.conv(w.outputConv(), blockOps.elu(block + "_elu", x));
            }
            if (plan.active() && i == plan.exit() && i < last) {
                x = mb.mul("fp16_rescale_out", x, plan.scale());
            }
        }
        // Batch g back to channels 2g, 2g + 1: [re0, im0, re1, im1].
        long[] grouped = x.tensorType().dims();
        x = mb.reshape("batch_to_channels", x, 1, splits * grouped[1], grouped[2], grouped[3]);
        // Row 6, lookahead: drop the first 4 STFT frames.
        long[] full = x.tensorType().dims();
        x = mb.sliceByIndex("lookahead_crop", x, new int[] {0, 0, Mrt2Constants.CODEC_LOOKAHEAD_FRAMES, 0},
                new int[] {1, (int) full[1], (int) full[2], (int) full[3]});
        // Channels-last at the boundary: [1, 4T - 4, 480, 4].
        Var out;
        if (compute == DataType.FLOAT32) {
            out = mb.transpose(DecoderConverter.OUTPUT, x, 0, 2, 3, 1);
        } else if (plan.active() && plan.exit() == last) {
            // The region ends at the last block: undo the scale in fp32, where the public output need not fit fp16.
            Var f32 = mb.cast("output_fp32", mb.transpose("output_channels_last", x, 0, 2, 3, 1), DataType.FLOAT32);
            out = mb.mul(DecoderConverter.OUTPUT, f32, plan.scale());
        } else {
            out = mb.cast(DecoderConverter.OUTPUT, mb.transpose("output_channels_last", x, 0, 2, 3, 1),
                    DataType.FLOAT32);
        }
        checkContract(out);
        mb.output(DecoderConverter.OUTPUT, out);
        return new Summary(scaled.elusSwapped(), scaled.biasesScaled());
    }

    /** The decoder's layer list must land exactly on the published output shape. */
    private void checkContract(Var out) {
        TensorType expected = TensorType.of(DataType.FLOAT32, 1,
                Mrt2Constants.CODEC_TIME_STRIDE * frames - Mrt2Constants.CODEC_LOOKAHEAD_FRAMES,
                Mrt2Constants.STFT_BINS, Mrt2Constants.CODEC_OUTPUT_CHANNELS);
        if (!out.tensorType().equals(expected)) {
            throw new IllegalStateException("decoder output " + out.tensorType() + " != contract " + expected);
        }
    }
}
