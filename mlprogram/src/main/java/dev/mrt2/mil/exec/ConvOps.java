package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;

/**
 * {@code conv} and {@code conv_transpose} (coreml-mlpackage.md §6.8), NC* layout with 1 to 3 spatial axes. This class
 * resolves the parameters and their defaults into a {@link ConvGeometry}, runs the executor's {@link ConvBackend}
 * and adds the bias.
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class ConvOps {
    private ConvOps() {}

    static void define(OpTable t) {
        t.op("conv", Kernel.single(a -> run(a, false)), "x", "weight", "bias", "strides", "pad_type", "pad",
                "dilations", "groups");
        t.op("conv_transpose", Kernel.single(a -> run(a, true)), "x", "weight", "bias", "pad", "output_shape",
                "pad_type", "strides", "dilations", "groups");
    }

    private static NdArray run(OpArgs a, boolean transpose) {
        NdArray x = a.tensor("x");
        NdArray w = a.tensor("weight");
        if (!x.isFloat() || !w.isFloat()) {
            throw a.fail("x " + x + " and weight " + w + " must be fp16 or fp32");
        }
        ConvGeometry g = geometry(a, x, w, transpose);
        ConvBackend backend = a.context().conv();
        boolean constant = a.isConstant("weight");
        float[] out = transpose ? backend.convTranspose(x, w, constant, g) : backend.conv(x, w, constant, g);
        NdArray bias = a.optTensor("bias");
        if (bias != null) {
            if (bias.size() != g.outChannels() || !bias.isFloat()) {
                throw a.fail("bias " + bias + " != [" + g.outChannels() + "]");
            }
            int plane = g.outSize();
            float[] b = bias.floats();
            for (int n = 0; n < g.batch(); n++) {
                for (int o = 0; o < g.outChannels(); o++) {
                    int base = (n * g.outChannels() + o) * plane;
                    float bo = b[o];
                    for (int i = 0; i < plane; i++) out[base + i] += bo;
                }
            }
        }
        return NdArray.f32(g.outShape(), out);
    }

    static ConvGeometry geometry(OpArgs a, NdArray x, NdArray w, boolean transpose) {
        int rank = x.rank();
        int s = rank - 2;
        if (s < 1 || s > 3 || w.rank() != rank) {
            throw a.fail("x must be [N, C, *D] with 1..3 spatial axes and weight of the same rank, got x " + x + ", weight " + w);
        }
        int[] ones = new int[s];
        Arrays.fill(ones, 1);
        int[] strides = a.intList("strides", ones);
        int[] dilations = a.intList("dilations", ones);
        int groups = a.intValue("groups", 1);
        String padType = a.stringValue("pad_type", "valid");
        int[] pad = a.intList("pad", new int[2 * s]);
        if (strides.length != s || dilations.length != s || pad.length != 2 * s || groups < 1) {
            throw a.fail("strides/dilations need " + s + " entries, pad " + 2 * s + ", groups >= 1; got strides "
                    + Arrays.toString(strides) + ", dilations " + Arrays.toString(dilations) + ", pad " + Arrays.toString(pad)
                    + ", groups " + groups);
        }
        int inChannels = x.dim(1);
        int outChannels;
        if (transpose) {
            if (w.dim(0) != inChannels) throw a.fail("weight " + w + " dim 0 must equal x channels " + inChannels);
            outChannels = w.dim(1) * groups;
        } else {
            outChannels = w.dim(0);
            if (w.dim(1) * groups != inChannels) {
                throw a.fail("x channels " + inChannels + " != weight dim 1 (" + w.dim(1) + ") x groups " + groups);
            }
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw a.fail("channels " + inChannels + " -> " + outChannels + " not divisible by groups " + groups);
        }
        int[] in = Arrays.copyOfRange(x.shape(), 2, rank);
        int[] kernel = Arrays.copyOfRange(w.shape(), 2, rank);
        int[] before = new int[s];
        int[] after = new int[s];
        int[] out = new int[s];
        int[] outputShape = transpose && a.has("output_shape") ? a.intList("output_shape") : null;
        for (int i = 0; i < s; i++) {
            int span = (kernel[i] - 1) * dilations[i] + 1;
            if (transpose) {
                int full = (in[i] - 1) * strides[i] + span;
                switch (padType) {
                    case "valid" -> out[i] = full;
                    case "custom" -> {
                        before[i] = pad[2 * i];
                        after[i] = pad[2 * i + 1];
                        out[i] = full - before[i] - after[i];
                    }
                    // "same" keeps D_in·s; the surplus is cut evenly, the odd element at the end (at the start for same_lower)
                    case "same", "same_lower" -> {
                        out[i] = in[i] * strides[i];
                        int total = Math.max(0, full - out[i]);
                        before[i] = padType.equals("same") ? total / 2 : (total + 1) / 2;
                        after[i] = total - before[i];
                    }
                    default -> throw a.fail("unknown pad_type '" + padType + "'");
                }
                if (outputShape != null) {
                    if (outputShape.length != rank && outputShape.length != s) {
                        throw a.fail("output_shape " + Arrays.toString(outputShape) + " must list " + rank + " dims");
                    }
                    out[i] = outputShape[outputShape.length - s + i];
                    after[i] = full - before[i] - out[i];
                }
            } else {
                switch (padType) {
                    case "valid" -> { }
                    case "custom" -> {
                        before[i] = pad[2 * i];
                        after[i] = pad[2 * i + 1];
                    }
                    // output ⌈D / s⌉; the odd padding element goes after ("same") or before ("same_lower")
                    case "same", "same_lower" -> {
                        int target = (in[i] + strides[i] - 1) / strides[i];
                        int total = Math.max(0, (target - 1) * strides[i] + span - in[i]);
                        before[i] = padType.equals("same") ? total / 2 : (total + 1) / 2;
                        after[i] = total - before[i];
                    }
                    default -> throw a.fail("unknown pad_type '" + padType + "'");
                }
                int padded = in[i] + before[i] + after[i];
                if (padded < span) {
                    throw a.fail("spatial axis " + i + " too small: " + padded + " < kernel span " + span);
                }
                out[i] = (padded - span) / strides[i] + 1;
            }
            if (before[i] < 0 || (!transpose && after[i] < 0) || out[i] < 1) {
                throw a.fail("padding " + before[i] + "/" + after[i] + " leaves no output on spatial axis " + i);
            }
        }
        return new ConvGeometry(transpose, x.dim(0), inChannels, outChannels, groups, in, kernel, strides, dilations,
                before, after, out);
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /**
     * A convolution with custom padding {@code pad = [before0, after0, ...]}: weight {@code [C_out, C_in / groups, *K]},
     * bias {@code [C_out]} or null; each output axis {@code (D + pads − span) / stride + 1}.
     */
    public static TensorType convType(Var x, Var weight, Var bias, int[] strides, int[] pad, int[] dilations,
                                      int groups) {
        TensorType tx = x.tensorType();
        TensorType tw = weight.tensorType();
        TypeRules.requireSameDtype(x, weight);
        int s = tx.rank() - 2;
        checkParams(tx, tw, strides, pad, dilations, s);
        if (tw.dim(1) * groups != tx.dim(1)) {
            throw fail("x channels " + tx.dim(1) + " != weight dim 1 (" + tw.dim(1) + ") x groups " + groups);
        }
        long[] dims = new long[tx.rank()];
        dims[0] = tx.dim(0);
        dims[1] = tw.dim(0);
        for (int i = 0; i < s; i++) {
            long span = (tw.dim(2 + i) - 1) * dilations[i] + 1;
            long padded = tx.dim(2 + i) + pad[2 * i] + pad[2 * i + 1];
            if (padded < span) throw fail("spatial axis " + i + " too small: " + padded + " < kernel span " + span);
            dims[2 + i] = (padded - span) / strides[i] + 1;
        }
        if (bias != null) {
            TypeRules.requireChannelVector("bias", x, bias, tw.dim(0));
        }
        return tx.withShape(dims);
    }

    /**
     * A transposed convolution (dilation 1), weight {@code [C_in, C_out / groups, *K]}; each output axis
     * {@code (D − 1) · stride + K − before − after} (custom padding crops the full output).
     */
    public static TensorType convTransposeType(Var x, Var weight, Var bias, int[] strides, int[] pad, int groups) {
        TensorType tx = x.tensorType();
        TensorType tw = weight.tensorType();
        TypeRules.requireSameDtype(x, weight);
        int s = tx.rank() - 2;
        int[] dilations = new int[Math.max(0, s)];
        Arrays.fill(dilations, 1);
        checkParams(tx, tw, strides, pad, dilations, s);
        if (tw.dim(0) != tx.dim(1)) {
            throw fail("x channels " + tx.dim(1) + " != weight dim 0 (" + tw.dim(0) + ")");
        }
        long[] dims = new long[tx.rank()];
        dims[0] = tx.dim(0);
        dims[1] = tw.dim(1) * groups;
        for (int i = 0; i < s; i++) {
            dims[2 + i] = (tx.dim(2 + i) - 1) * strides[i] + tw.dim(2 + i) - pad[2 * i] - pad[2 * i + 1];
            if (dims[2 + i] <= 0) throw fail("crop leaves no output on spatial axis " + i);
        }
        if (bias != null) {
            TypeRules.requireChannelVector("bias", x, bias, dims[1]);
        }
        return tx.withShape(dims);
    }

    private static void checkParams(TensorType tx, TensorType tw, int[] strides, int[] pad, int[] dilations, int s) {
        if (s < 1 || s > 3) throw fail("x must be [N, C, *D] with 1..3 spatial axes, got " + tx);
        if (tw.rank() != tx.rank()) throw fail("weight rank " + tw + " != x rank " + tx);
        if (strides.length != s || dilations.length != s || pad.length != 2 * s) {
            throw fail("strides/dilations need " + s + " entries and pad " + 2 * s);
        }
    }
}
