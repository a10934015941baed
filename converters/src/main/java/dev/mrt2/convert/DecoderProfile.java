package dev.mrt2.convert;

import java.util.Arrays;
import java.util.List;

/**
 * Measured activation maxima of the 7 child blocks of the decoder's parallel block (mrt2-model.md §4.6 step 1), on
 * calibration inputs, from the FP32 graph.
 *
 * @param boundaryOutAbsmax   per child block, max |value| of the block's output
 * @param subtreeWorstAbsmax  per child block, max |value| of any op output inside the block (its output included)
 */
public record DecoderProfile(double[] boundaryOutAbsmax, double[] subtreeWorstAbsmax) {
    /**
     * The child blocks in order. Every op of a block is named after it: the block name itself or
     * {@code <block>_...} (see {@link #blockOfOp}); nothing outside the blocks uses these prefixes.
     */
    public static final List<String> CHILD_BLOCKS = List.of("decoder_1", "decoder_2", "decoder_3", "decoder_4",
            "decoder_5", "decoder_6", "output_layer");

    public DecoderProfile {
        if (boundaryOutAbsmax.length != CHILD_BLOCKS.size() || subtreeWorstAbsmax.length != CHILD_BLOCKS.size()) {
            throw new IllegalArgumentException("a decoder profile has " + CHILD_BLOCKS.size() + " blocks, got "
                    + boundaryOutAbsmax.length + " and " + subtreeWorstAbsmax.length);
        }
        for (int i = 0; i < CHILD_BLOCKS.size(); i++) {
            if (!Double.isFinite(boundaryOutAbsmax[i]) || !Double.isFinite(subtreeWorstAbsmax[i])) {
                throw new IllegalArgumentException("decoder profile: block " + CHILD_BLOCKS.get(i)
                        + " has a non-finite maximum (the FP32 decoder itself overflowed on the calibration input)");
            }
        }
        boundaryOutAbsmax = boundaryOutAbsmax.clone();
        subtreeWorstAbsmax = subtreeWorstAbsmax.clone();
    }

    @Override
    public double[] boundaryOutAbsmax() {
        return boundaryOutAbsmax.clone();
    }

    @Override
    public double[] subtreeWorstAbsmax() {
        return subtreeWorstAbsmax.clone();
    }

    /** The child block index (0..6) an op of the decoder graph belongs to, or -1 for ops outside the child. */
    public static int blockOfOp(String opName) {
        for (int i = 0; i < CHILD_BLOCKS.size(); i++) {
            String block = CHILD_BLOCKS.get(i);
            if (opName.equals(block) || opName.startsWith(block + "_")) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecoderProfile p && Arrays.equals(boundaryOutAbsmax, p.boundaryOutAbsmax)
                && Arrays.equals(subtreeWorstAbsmax, p.subtreeWorstAbsmax);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(boundaryOutAbsmax) + Arrays.hashCode(subtreeWorstAbsmax);
    }

    @Override
    public String toString() {
        return "DecoderProfile[boundary_out_absmax=" + Arrays.toString(boundaryOutAbsmax)
                + ", subtree_worst_absmax=" + Arrays.toString(subtreeWorstAbsmax) + "]";
    }
}
