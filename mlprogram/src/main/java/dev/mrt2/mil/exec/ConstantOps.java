package dev.mrt2.mil.exec;

import dev.mrt2.mil.Opset;

/**
 * Ops the executor reads but does not run as kernels: {@code const} (decoded into the constant table instead), and
 * iOS 16/17 types no converter or coremltools export of ours uses (the reader accepts them; the executor names them
 * when asked to run one).
 */
final class ConstantOps {
    private ConstantOps() {}

    static void define(OpTable t) {
        t.op("const", null);
        t.op(Opset.IOS16, "reshape_like", null, "x", "ref_tensors*", "begins", "ends", "end_masks");
        t.op(Opset.IOS17, "quantize", null, "input", "zero_point", "scale", "axis", "output_dtype");
        t.op(Opset.IOS17, "dequantize", null, "input", "zero_point", "scale", "axis");
        t.op(Opset.IOS17, "resize", null, (String[]) null);
    }
}
