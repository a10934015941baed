package dev.mrt2.convert;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Var;
import dev.mrt2.model.CodecBlock;
import dev.mrt2.model.Mrt2Constants;

/**
 * Graph pieces of the SpectroStream decoder in NCHW {@code [N, C, T, F]}, FP32 or FP16: causal convolutions,
 * transposed convolutions with the causal crop, ELU, nearest upsampling and the upsampling residual block
 * (mrt2-model.md §4.2-4.3).
 *
 * <p>With a {@code scale} S other than 1 the ops compute {@code f(S y) / S} for activations {@code y} that are already
 * divided by S (the FP16 rescale region of §4.6): weights unchanged, every bias times 1/S, every ELU the scaled ELU.
 * Since S is a power of two, only FP16 subnormal biases lose anything.
 */
final class CodecOps {
    /** exp(S y) for S y below this is under 1e-13: {@code e^z - 1} rounds to -1 in fp16 and fp32 alike. */
    private static final float SCALED_ELU_FLOOR = -32f;

    private final MilBuilder mb;
    private final CheckedConstants constants;
    private final float scale;
    private int elusSwapped;
    private int biasesScaled;

    CodecOps(MilBuilder mb) {
        this(mb, DataType.FLOAT32, 1f);
    }

    CodecOps(MilBuilder mb, DataType dtype, float scale) {
        this.mb = mb;
        this.constants = new CheckedConstants(mb, dtype);
        this.scale = scale;
    }

    /** Scaled ELUs emitted so far (0 when unscaled). */
    int elusSwapped() {
        return elusSwapped;
    }

    /** Biases divided by S so far (0 when unscaled). */
    int biasesScaled() {
        return biasesScaled;
    }

    private boolean scaled() {
        return scale != 1f;
    }

    /** The bias as stored, or times 1/S inside the rescale region. */
    private Var bias(DecoderConverter.Conv c, String name) {
        float[] b = c.bias().read();
        if (scaled()) {
            for (int i = 0; i < b.length; i++) {
                b[i] /= scale;
            }
            biasesScaled++;
        }
        return constants.of(name + "_bias", c.bias(), b, c.block().cout());
    }

    /**
     * Stride-1 conv, causal in time (left pad kt - 1), "same" in frequency (floor / ceil of kf - 1), zero padding
     * (§4.3).
     */
    Var conv(DecoderConverter.Conv c, Var x) {
        CodecBlock b = c.block();
        String name = c.opName();
        float[] oihw = WeightLayouts.convWeight(c.kernel().read(), b.kt(), b.kf(), b.cin(), b.cout());
        Var weight = constants.of(name + "_weight", c.kernel(), oihw, b.cout(), b.cin(), b.kt(), b.kf());
        Var bias = bias(c, name);
        int pf = b.kf() - 1;
        int[] pad = {b.kt() - 1, 0, pf / 2, pf - pf / 2};
        return mb.conv(name, x, weight, bias, new int[] {1, 1}, pad, new int[] {1, 1}, 1);
    }

    /**
     * Transposed conv with the flipped kernel (§2.3): the full output, then crop the LAST kt - st time rows (causal)
     * and floor / ceil of kf - sf frequency bins (§4.3); MIL's custom pad on conv_transpose is exactly that crop.
     */
    Var convTranspose(DecoderConverter.Conv c, Var x) {
        CodecBlock b = c.block();
        String name = c.opName();
        Var weight = constants.of(name + "_weight", c.kernel(),
                WeightLayouts.convTransposeWeight(c.kernel().read(), b.kt(), b.kf(), b.cin(), b.cout()),
                b.cin(), b.cout(), b.kt(), b.kf());
        Var bias = bias(c, name);
        int rf = b.kf() - b.sf();
        int[] crop = {0, b.kt() - b.st(), rf / 2, rf - rf / 2};
        return mb.convTranspose(name, x, weight, bias, new int[] {b.st(), b.sf()}, crop, 1);
    }

    /**
     * ELU; scaled: {@code max(y, 0) + (alpha / S) (exp(S clip(y, -32/S, 0)) - 1)} = ELU(S y) / S. The clip replaces
     * the plain min(y, 0) of §4.6 so that S y cannot overflow fp16 to -inf; the values are the same (see
     * {@link #SCALED_ELU_FLOOR}). The last op carries {@code name}.
     */
    Var elu(String name, Var x) {
        if (!scaled()) {
            return mb.elu(name, x, Mrt2Constants.CODEC_ELU_ALPHA);
        }
        elusSwapped++;
        Var positive = mb.maximum(name + "_pos", x, mb.scalar(name + "_zero", x.tensorType().dataType(), 0f));
        Var negative = mb.clip(name + "_neg", x, SCALED_ELU_FLOOR / scale, 0f);
        Var expm1 = mb.add(name + "_expm1", mb.exp(name + "_exp", mb.mul(name + "_unscaled", negative, scale)), -1f);
        return mb.add(name, positive, mb.mul(name + "_tail", expm1, Mrt2Constants.CODEC_ELU_ALPHA / scale));
    }

    /** Main {@code ELU -> ConvT -> ELU -> Conv3x3} plus side {@code [Conv1x1] -> Up(st, sf)}, summed (§4.2). */
    Var upBlock(String name, Var x, DecoderConverter.UpBlock b) {
        Var up = convTranspose(b.transpose(), elu(name + "_elu_in", x));
        Var main = conv(b.conv(), elu(name + "_elu_mid", up));
        Var side = b.shortcut() == null ? x : conv(b.shortcut(), x);
        side = upsample(name + "_shortcut_up", side, b.transpose().block().st(), b.transpose().block().sf());
        return mb.add(name, main, side);
    }

    /** Nearest-neighbour {@code out[t, f] = in[t / a, f / b]} by expand, tile and reshape, one axis at a time. */
    Var upsample(String name, Var x, int a, int b) {
        Var y = x;
        if (a > 1) {
            long[] d = y.tensorType().dims();
            Var tiled = mb.tile(name + "_time_tile", mb.expandDims(name + "_time_axis", y, 3), 1, 1, 1, a, 1);
            y = mb.reshape(name + "_time", tiled, d[0], d[1], d[2] * a, d[3]);
        }
        if (b > 1) {
            long[] d = y.tensorType().dims();
            Var tiled = mb.tile(name + "_freq_tile", mb.expandDims(name + "_freq_axis", y, 4), 1, 1, 1, 1, b);
            y = mb.reshape(name + "_freq", tiled, d[0], d[1], d[2], d[3] * b);
        }
        return y;
    }
}
