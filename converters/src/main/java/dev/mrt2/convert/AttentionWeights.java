package dev.mrt2.convert;

import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.function.Function;

/**
 * The keys of one attention block with its sandwich norms (mrt2-model.md §2.5, §2.6), shapes checked. Sinks are a
 * temporal-only extra and live in {@link SinkWeights}.
 *
 * @param preNorm     {@code [d_model]} RMSNorm scale before the block
 * @param query       {@code [d_model, H, h]}
 * @param key         {@code [d_kv, H, h]} (d_kv = d_model for self-attention, S for cross-attention)
 * @param value       {@code [d_kv, H, h]}
 * @param perDimScale {@code [h]} learned query scale p (§3.3)
 * @param output      {@code [d_model, H, h]}, already {@code [out, in]} as a matrix
 * @param postNorm    {@code [d_model]} RMSNorm scale after the block
 */
record AttentionWeights(CheckpointTensor preNorm, CheckpointTensor query, CheckpointTensor key, CheckpointTensor value,
                        CheckpointTensor perDimScale, CheckpointTensor output, CheckpointTensor postNorm) {

    /** Reads {@code block} (self_attention or cross_attention) of one layer; {@code keyOf} adds the layer prefix. */
    static AttentionWeights load(SafetensorsFile f, Function<String, String> keyOf, String block, int dModel, int dKv,
                                 int heads, int headDim) {
        return new AttentionWeights(
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.preNorm(block)), dModel),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.query(block)), dModel, heads, headDim),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.key(block)), dKv, heads, headDim),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.value(block)), dKv, heads, headDim),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.perDimScale(block)), headDim),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.outputProjection(block)), dModel, heads, headDim),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.postNorm(block)), dModel));
    }

    int heads() {
        return query.dim(1);
    }

    int headDim() {
        return query.dim(2);
    }
}
