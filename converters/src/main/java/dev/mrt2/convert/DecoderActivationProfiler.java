package dev.mrt2.convert;

import dev.mrt2.mil.Model;

/**
 * Measures the FP32 decoder's activations for the FP16 rescale (mrt2-model.md §4.6). {@link DecoderBlockProfiler}
 * runs the graph on the ML Program executor; tests substitute published figures.
 */
@FunctionalInterface
public interface DecoderActivationProfiler {
    /**
     * Runs {@code fp32Decoder} (the FP32 decoder graph, held in memory; input {@code decoder_embeddings [1, T, E]})
     * once on {@code embeddings [T][E]} and returns, per child block ({@link DecoderProfile#blockOfOp} maps op names
     * to blocks), the max |value| of the block's last op output and of every op output inside the block.
     */
    DecoderProfile profile(Model fp32Decoder, float[][] embeddings);
}
