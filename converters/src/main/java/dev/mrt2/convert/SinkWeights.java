package dev.mrt2.convert;

import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.function.Function;

/**
 * Learned attention sinks of one temporal attention block (mrt2-model.md §3.4).
 *
 * @param key   {@code [sinks, H, h]} SK
 * @param value {@code [sinks, H, h]} SV
 */
record SinkWeights(CheckpointTensor key, CheckpointTensor value) {
    static SinkWeights load(SafetensorsFile f, Function<String, String> keyOf, String block, int sinks, int heads,
                            int headDim) {
        return new SinkWeights(
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.sinkKey(block)), sinks, heads, headDim),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.sinkValue(block)), sinks, heads, headDim));
    }

    int count() {
        return key.dim(0);
    }
}
