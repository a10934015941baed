package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.model.Mrt2Constants;

/**
 * Graph pieces shared by the temporal and the depth transformer: checkpoint constants in the graph's precision,
 * projections, the two RMSNorm variants and the GELU-tanh feed-forward (mrt2-model.md §3.2, §3.3, §3.6).
 */
final class TransformerOps {
    /** Smallest normal FP16 value: the floor of the max-abs divisor, so an all-zero row cannot divide by zero. */
    private static final float FP16_MIN_NORMAL = 0x1p-14f;

    private final MilBuilder mb;
    private final DataType dtype;
    private final CheckedConstants constants;

    TransformerOps(MilBuilder mb, DataType dtype) {
        this.mb = mb;
        this.dtype = dtype;
        this.constants = new CheckedConstants(mb, dtype);
    }

    /** Constants of the graph's precision made from checkpoint tensors. */
    CheckedConstants constants() {
        return constants;
    }

    /** {@code x · K (+ b)} for a Dense kernel {@code [in, out]} or a Q/K/V kernel {@code [in, H, h]} (§2.3). */
    Var linear(String name, Var x, CheckpointTensor kernel, CheckpointTensor bias) {
        int in = kernel.dim(0);
        int out = Math.toIntExact(kernel.elementCount() / in);
        Var w = constants.linearWeight(name + "_weight", kernel, in, out);
        Var b = bias == null ? null : constants.of(name + "_bias", bias);
        return mb.linear(name, x, w, b);
    }

    /** Output projection: the kernel {@code [D, H, h]} is already the {@code [out, in]} matrix of a linear (§2.3). */
    Var outputProjection(String name, Var context, CheckpointTensor kernel) {
        int d = kernel.dim(0);
        Var w = constants.of(name + "_weight", kernel, d, kernel.elementCount() / d);
        return mb.linear(name, context, w, null);
    }

    /** {@code RMS(x; s) = x · (mean(x²) + eps)^(-1/2) ⊙ s} over the last axis, as written (FP32 graphs). */
    Var rmsNorm(String name, Var x, CheckpointTensor scale) {
        Var normed = rmsNormed(name, x);
        return mb.mul(name, normed, constants.of(name + "_scale", scale));
    }

    /** The same with the scale already a constant (a graph that applies one layer many times shares it). */
    Var rmsNorm(String name, Var x, Var scale) {
        return mb.mul(name, rmsNormed(name, x), scale);
    }

    private Var rmsNormed(String name, Var x) {
        Var meanSquare = mb.reduceMean(name + "_mean_square", mb.square(name + "_square", x), new int[] {-1}, true);
        Var inverse = mb.rsqrt(name + "_rsqrt", meanSquare, Mrt2Constants.NORM_EPSILON);
        return mb.mul(name + "_normed", x, inverse);
    }

    /**
     * The same RMSNorm with FP16 headroom. x² overflows FP16 once |x| > 256, so the statistics run on
     * {@code y = x / m}, m = max(max|x|, 2^-14) (|y| <= 1, and the largest entries keep full relative precision):
     * {@code x · (mean(x²) + eps)^(-1/2) = y · (mean(y²) + (sqrt(eps) / m)²)^(-1/2)}, exact in real arithmetic.
     */
    Var rmsNormWithHeadroom(String name, Var x, CheckpointTensor scale) {
        Var normed = rmsNormedWithHeadroom(name, x);
        return mb.mul(name, normed, constants.of(name + "_scale", scale));
    }

    /** {@link #rmsNormWithHeadroom(String, Var, CheckpointTensor)} with the scale already a constant. */
    Var rmsNormWithHeadroom(String name, Var x, Var scale) {
        return mb.mul(name, rmsNormedWithHeadroom(name, x), scale);
    }

    private Var rmsNormedWithHeadroom(String name, Var x) {
        Var maxAbs = mb.reduceMax(name + "_max_abs", mb.abs(name + "_abs", x), new int[] {-1}, true);
        Var m = mb.maximum(name + "_divisor", maxAbs, mb.scalar(name + "_divisor_floor", dtype, FP16_MIN_NORMAL));
        Var y = mb.realDiv(name + "_prescaled", x, m);
        Var meanSquare = mb.reduceMean(name + "_mean_square", mb.square(name + "_square", y), new int[] {-1}, true);
        Var epsRoot = mb.scalar(name + "_eps_root", dtype, (float) Math.sqrt(Mrt2Constants.NORM_EPSILON));
        Var eps = mb.square(name + "_eps_scaled", mb.realDiv(name + "_eps_root_scaled", epsRoot, m));
        Var inverse = mb.rsqrt(name + "_rsqrt", mb.add(name + "_mean_square_eps", meanSquare, eps), 0f);
        return mb.mul(name + "_normed", y, inverse);
    }

    /** {@code GELU_tanh(x·W1 + b1)·W2 + b2}, not gated (§3.2 step 3). */
    Var feedForward(String name, Var x, FfnWeights w) {
        Var hidden = linear(name + "_layer1", x, w.kernel1(), w.bias1());
        Var activated = mb.gelu(name + "_gelu", hidden, "TANH_APPROXIMATION");
        return linear(name + "_layer2", activated, w.kernel2(), w.bias2());
    }
}
