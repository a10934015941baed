package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Keys;

/**
 * The un-gated GELU-tanh feed-forward block with its sandwich norms (mrt2-model.md §3.2).
 *
 * @param preNorm  {@code [D]}
 * @param w1       {@code [D, F]}
 * @param b1       {@code [F]}
 * @param w2       {@code [F, D]}
 * @param b2       {@code [D]}
 * @param postNorm {@code [D]}
 */
public record FfnWeights(float[] preNorm, Matrix w1, float[] b1, Matrix w2, float[] b2, float[] postNorm) {

    public int modelDim() {
        return preNorm.length;
    }

    public int hidden() {
        return b1.length;
    }

    /** Values of the two matrices, for sizing a {@link Slab}. */
    static long matrixFloats(int dim, int hidden) {
        return 2L * dim * hidden;
    }

    static FfnWeights read(CheckpointReader r, Slab slab, java.util.function.UnaryOperator<String> at, int dim,
                           int hidden) {
        return new FfnWeights(
                r.read(at.apply(Mrt2Keys.FFN_PRE_NORM), dim),
                slab.read(at.apply(Mrt2Keys.FFN1_KERNEL), dim, hidden, dim, hidden),
                r.read(at.apply(Mrt2Keys.FFN1_BIAS), hidden),
                slab.read(at.apply(Mrt2Keys.FFN2_KERNEL), hidden, dim, hidden, dim),
                r.read(at.apply(Mrt2Keys.FFN2_BIAS), dim),
                r.read(at.apply(Mrt2Keys.FFN_POST_NORM), dim));
    }
}
