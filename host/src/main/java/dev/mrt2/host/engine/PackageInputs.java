package dev.mrt2.host.engine;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;
import java.util.Map;

/** Feeding and reading a package by its description: shapes and float kinds come from the package, not from us. */
final class PackageInputs {
    private PackageInputs() {}

    static FeatureDescription input(MlProgramExecutor exec, String name, String artifact) {
        for (FeatureDescription f : exec.inputs()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new BadInputException(artifact + ": no input '" + name + "'; is it the right package?");
    }

    /** An input tensor of the declared shape and float kind; fp16 values are rounded on the way in. */
    static NdArray floats(FeatureDescription f, float[] values) {
        int[] shape = f.type().intDims();
        return f.type().dataType() == DataType.FLOAT16 ? NdArray.f16(shape, values) : NdArray.f32(shape, values);
    }

    /** The same for values that are already binary16 (a cache filled from fp16 outputs): no second rounding pass. */
    static NdArray exactFloats(FeatureDescription f, float[] values) {
        int[] shape = f.type().intDims();
        return f.type().dataType() == DataType.FLOAT16 ? NdArray.f16Rounded(shape, values)
                : NdArray.f32(shape, values);
    }

    static float[] output(Map<String, NdArray> out, String name, String artifact) {
        NdArray a = out.get(name);
        if (a == null || !a.isFloat()) {
            throw new BadInputException(artifact + ": no float output '" + name + "' (outputs " + out.keySet() + ")");
        }
        return a.floats();
    }
}
