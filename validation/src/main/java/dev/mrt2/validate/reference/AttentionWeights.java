package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Keys;

/**
 * One attention block of the sandwich layer (mrt2-model.md §2.5, §2.6, §3.2–3.4). Q/K/V kernels are JAX
 * {@code [d_in, H, h]} read as {@code [d_in, H*h]} (head-major columns); the output kernel {@code [D, H, h]} is the
 * matrix {@code [D, H*h]}, held transposed as {@code [H*h, D]} so the output projection is the same row-by-row sum as
 * every other projection (no second copy of it is ever needed).
 *
 * @param preNorm     RMSNorm scale {@code [D]}
 * @param query       {@code [D, H*h]}
 * @param key         {@code [kvIn, H*h]} (kvIn = D for self-attention, S for cross-attention)
 * @param value       {@code [kvIn, H*h]}
 * @param queryScale  §3.3 per-dim scale {@code [h]}, already {@code 1.442695041/sqrt(h) * softplus(per_dim_scale)}
 * @param sinkKey     {@code [sinks, H*h]}, or empty when the block has no sinks (depth body)
 * @param sinkValue   {@code [sinks, H*h]}
 * @param output      the output kernel transposed, {@code [H*h, D]}
 * @param postNorm    RMSNorm scale {@code [D]}
 * @param sinks       number of sink slots (1 temporal, 0 depth)
 * @param heads       H
 * @param headDim     h
 * @param kvIn        width of the key/value source
 */
public record AttentionWeights(float[] preNorm, Matrix query, Matrix key, Matrix value, float[] queryScale,
                               float[] sinkKey, float[] sinkValue, Matrix output, float[] postNorm,
                               int sinks, int heads, int headDim, int kvIn) {

    public int modelDim() {
        return preNorm.length;
    }

    public int width() {
        return heads * headDim;
    }

    /** Values of the four matrices, for sizing a {@link Slab}. */
    static long matrixFloats(int dim, int kvIn, int width) {
        return 2L * (dim + kvIn) * width;
    }

    /** Reads block {@code block} (self_attention / cross_attention) under the layer key function {@code at}. */
    static AttentionWeights read(CheckpointReader r, Slab slab, java.util.function.UnaryOperator<String> at,
                                 String block, int dim, int kvIn, int heads, int headDim, int sinks) {
        float[] sinkKey = new float[0];
        float[] sinkValue = new float[0];
        if (sinks > 0) {
            sinkKey = r.read(at.apply(Mrt2Keys.sinkKey(block)), sinks, heads, headDim);
            sinkValue = r.read(at.apply(Mrt2Keys.sinkValue(block)), sinks, heads, headDim);
        }
        int width = heads * headDim;
        return new AttentionWeights(
                r.read(at.apply(Mrt2Keys.preNorm(block)), dim),
                slab.read(at.apply(Mrt2Keys.query(block)), dim, width, dim, heads, headDim),
                slab.read(at.apply(Mrt2Keys.key(block)), kvIn, width, kvIn, heads, headDim),
                slab.read(at.apply(Mrt2Keys.value(block)), kvIn, width, kvIn, heads, headDim),
                Kernels.queryScale(r.read(at.apply(Mrt2Keys.perDimScale(block)), headDim)),
                sinkKey, sinkValue,
                slab.readTransposed(at.apply(Mrt2Keys.outputProjection(block)), dim, width, dim, heads, headDim),
                r.read(at.apply(Mrt2Keys.postNorm(block)), dim),
                sinks, heads, headDim, kvIn);
    }
}
