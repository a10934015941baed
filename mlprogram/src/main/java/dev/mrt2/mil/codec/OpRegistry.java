package dev.mrt2.mil.codec;

import dev.mrt2.mil.Opset;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every op type we read or write, with the opset that introduced it and its parameter names per opset
 * (coreml-mlpackage.md §6). A parameter spelled {@code name@IOS16} exists from that opset on; {@code name*} is
 * variadic (one Argument, several bindings). Anything not listed here is an unknown op.
 */
public final class OpRegistry {
    /** One op type: minimum opset and parameters (null = parameters not pinned down in the spec). */
    public record OpSpec(String type, Opset since, Map<String, Opset> params, Set<String> variadic) {
        /** Whether {@code param} is a parameter of this op in {@code opset}. */
        public boolean accepts(String param, Opset opset) {
            if (params == null) {
                return true;
            }
            Opset from = params.get(param);
            return from != null && from.compareTo(opset) <= 0;
        }

        public boolean isVariadic(String param) {
            return variadic.contains(param);
        }
    }

    private static final Map<String, OpSpec> OPS = new TreeMap<>();

    static {
        op("const");
        op("cast", "x", "dtype");
        op("identity", "x");
        for (String t : new String[] {"add", "sub", "mul", "real_div", "pow", "maximum", "minimum", "floor_div", "mod",
                "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
                "logical_and", "logical_or", "logical_xor"}) {
            op(t, "x", "y");
        }
        for (String t : new String[] {"logical_not", "exp", "exp2", "sqrt", "tanh", "relu", "relu6", "softplus", "sigmoid",
                "silu", "erf", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "atanh", "floor", "ceil",
                "round", "abs", "sign", "square", "softsign"}) {
            op(t, "x");
        }
        for (String t : new String[] {"rsqrt", "log", "inverse"}) {
            op(t, "x", "epsilon");
        }
        op("clip", "x", "alpha", "beta");
        op("elu", "x", "alpha");
        op("leaky_relu", "x", "alpha");
        op("prelu", "x", "alpha");
        op("gelu", "x", "mode");
        op("softmax", "x", "axis");
        for (String t : new String[] {"reduce_mean", "reduce_sum", "reduce_max", "reduce_min", "reduce_prod",
                "reduce_l1_norm", "reduce_l2_norm", "reduce_log_sum", "reduce_log_sum_exp", "reduce_sum_square"}) {
            op(t, "x", "axes", "keep_dims");
        }
        op("reduce_argmax", "x", "axis", "keep_dims", "output_dtype@IOS17");
        op("reduce_argmin", "x", "axis", "keep_dims", "output_dtype@IOS17");
        op("matmul", "x", "y", "transpose_x", "transpose_y");
        op("linear", "x", "weight", "bias");
        op("einsum", "values*", "equation");
        op("reshape", "x", "shape");
        op("transpose", "x", "perm");
        op("concat", "values*", "axis", "interleave");
        op("split", "x", "num_splits", "split_sizes", "axis");
        op("slice_by_index", "x", "begin", "end", "stride", "begin_mask", "end_mask", "squeeze_mask");
        op("slice_by_size", "x", "begin", "size");
        op("gather", "x", "indices", "axis", "batch_dims@IOS16", "validate_indices@IOS17");
        op("gather_along_axis", "x", "indices", "axis", "validate_indices@IOS17");
        op("expand_dims", "x", "axes");
        op("squeeze", "x", "axes");
        op("select", "cond", "a", "b");
        op("topk", "x", "k", "axis", "ascending", "sort@IOS16", "return_indices@IOS16", "output_indices_dtype@IOS17");
        op("fill", "shape", "value");
        op("range_1d", "end", "start", "step");
        op("tile", "x", "reps");
        op("cumsum", "x", "axis", "exclusive", "reverse");
        op("pad", "x", "pad", "mode", "constant_val");
        op("conv", "x", "weight", "bias", "strides", "pad_type", "pad", "dilations", "groups");
        op("conv_transpose", "x", "weight", "bias", "pad", "output_shape", "pad_type", "strides", "dilations", "groups");
        op("layer_norm", "x", "axes", "gamma", "beta", "epsilon");
        op("batch_norm", "x", "mean", "variance", "gamma", "beta", "epsilon");
        op("instance_norm", "x", "gamma", "beta", "epsilon");
        since(Opset.IOS16, "fill_like", "ref_tensor", "value");
        since(Opset.IOS16, "reshape_like", "x", "ref_tensors*", "begins", "ends", "end_masks");
        since(Opset.IOS16, "pixel_unshuffle", "x", "downscale_factor");
        since(Opset.IOS17, "quantize", "input", "zero_point", "scale", "axis", "output_dtype");
        since(Opset.IOS17, "dequantize", "input", "zero_point", "scale", "axis");
        OPS.put("resize", new OpSpec("resize", Opset.IOS17, null, Set.of()));
        since(Opset.IOS18, "read_state", "input");
        since(Opset.IOS18, "write_state", "input", "data");
        since(Opset.IOS18, "slice_update", "x", "update", "begin", "end", "stride", "begin_mask", "end_mask", "squeeze_mask");
        since(Opset.IOS18, "scaled_dot_product_attention", "query", "key", "value", "attn_mask");
    }

    private OpRegistry() {}

    private static void op(String type, String... params) {
        since(Opset.IOS15, type, params);
    }

    private static void since(Opset since, String type, String... params) {
        Map<String, Opset> p = new TreeMap<>();
        Set<String> variadic = new TreeSet<>();
        for (String spec : params) {
            String name = spec;
            Opset from = since;
            int at = name.indexOf('@');
            if (at >= 0) {
                from = Opset.valueOf(name.substring(at + 1));
                name = name.substring(0, at);
            }
            if (name.endsWith("*")) {
                name = name.substring(0, name.length() - 1);
                variadic.add(name);
            }
            p.put(name, from);
        }
        OPS.put(type, new OpSpec(type, since, Collections.unmodifiableMap(p), Collections.unmodifiableSet(variadic)));
    }

    /** The spec of {@code type}, or null when the op is unknown. */
    public static OpSpec find(String type) {
        return OPS.get(type);
    }

    /** All known op types, sorted. */
    public static Set<String> knownTypes() {
        return Collections.unmodifiableSet(OPS.keySet());
    }
}
