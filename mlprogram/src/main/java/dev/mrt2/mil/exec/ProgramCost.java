package dev.mrt2.mil.exec;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one call of a program must at least do, counted from its declared types: the bytes of constant weights the
 * heavy ops read (as the float32 the kernels stream, whatever the stored precision, except binary16 linear weights
 * when the executor keeps them 16-bit, {@link #streamedBytes(boolean)}) and the floating-point operations of linear,
 * matmul, conv and conv_transpose (a multiply-add counts two). Benchmarks divide these by the machine's measured
 * bandwidth and GEMM peak to get a floor.
 *
 * @param streamedBytes        float32 bytes of constant weights read per call (each use counted)
 * @param flops                floating-point operations of the heavy ops per call
 * @param halfLinearFloatBytes the part of {@code streamedBytes} that is binary16 linear weights, as float32
 */
record ProgramCost(long streamedBytes, double flops, long halfLinearFloatBytes) {
    /** Weight bytes read per call, binary16 linear weights counted at 2 bytes when {@code halfLinear}. */
    long streamedBytes(boolean halfLinear) {
        return halfLinear ? streamedBytes - halfLinearFloatBytes / 2 : streamedBytes;
    }

    static ProgramCost of(Model model) {
        Function main = model.program().main();
        Map<String, TensorType> types = new HashMap<>();
        Map<String, Boolean> constant = new HashMap<>();
        Map<String, dev.mrt2.mil.ConstValue> values = new HashMap<>();
        for (Var v : main.inputs()) {
            if (v.type() instanceof TensorType t) types.put(v.name(), t);
        }
        long bytes = 0;
        long halfLinear = 0;
        double flops = 0;
        for (Operation op : main.block().operations()) {
            for (Var out : op.outputs()) {
                if (out.type() instanceof TensorType t) types.put(out.name(), t);
                constant.put(out.name(), op.isConst());
                if (op.isConst()) values.put(out.name(), op.value());
            }
            if (op.isConst()) {
                continue;
            }
            switch (op.type()) {
                case "linear" -> {
                    TensorType w = type(op, "weight", types);
                    long n = w.dim(0);
                    long k = w.dim(1);
                    long m = type(op, "x", types).elementCount() / Math.max(1, k);
                    flops += 2.0 * m * n * k;
                    bytes += 4 * n * k;
                    if (w.dataType() == dev.mrt2.mil.DataType.FLOAT16 && Boolean.TRUE.equals(constant.get(name(op, "weight")))) {
                        halfLinear += 4 * n * k;
                    }
                }
                case "matmul" -> {
                    TensorType out = op.outputs().get(0).tensorType();
                    TensorType x = type(op, "x", types);
                    TensorType y = type(op, "y", types);
                    long k = x.rank() == 1 || !flag(op, "transpose_x", values) ? x.dim(-1) : x.dim(-2);
                    flops += 2.0 * out.elementCount() * k;
                    if (Boolean.TRUE.equals(constant.get(name(op, "y")))) {
                        bytes += 4 * y.elementCount();
                    }
                }
                case "conv", "conv_transpose" -> {
                    TensorType w = type(op, "weight", types);
                    long taps = 1;
                    for (int i = 2; i < w.rank(); i++) taps *= w.dim(i);
                    if (op.type().equals("conv")) {
                        // every output sums C_in/g · K products
                        flops += 2.0 * op.outputs().get(0).tensorType().elementCount() * w.dim(1) * taps;
                    } else {
                        // every input value meets C_out/g · K weights
                        flops += 2.0 * type(op, "x", types).elementCount() * w.dim(1) * taps;
                    }
                    bytes += 4 * w.elementCount();
                }
                default -> { }
            }
        }
        return new ProgramCost(bytes, flops, halfLinear);
    }

    private static boolean flag(Operation op, String param, Map<String, dev.mrt2.mil.ConstValue> values) {
        String n = name(op, param);
        dev.mrt2.mil.ConstValue v = n == null ? null : values.get(n);
        return v != null && v.data().remaining() > 0 && v.data().get(v.data().position()) != 0;
    }

    private static String name(Operation op, String param) {
        List<Binding> b = op.inputs().get(param);
        return b == null || b.isEmpty() || !b.get(0).isName() ? null : b.get(0).name();
    }

    private static TensorType type(Operation op, String param, Map<String, TensorType> types) {
        List<Binding> b = op.inputs().get(param);
        if (b == null || b.isEmpty()) {
            throw new IllegalArgumentException("op '" + op.name() + "' has no '" + param + "'");
        }
        if (!b.get(0).isName()) {
            return b.get(0).value().type();
        }
        TensorType t = types.get(b.get(0).name());
        if (t == null) {
            throw new IllegalArgumentException("op '" + op.name() + "': type of '" + b.get(0).name() + "' unknown");
        }
        return t;
    }
}
