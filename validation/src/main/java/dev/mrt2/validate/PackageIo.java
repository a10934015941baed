package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;

/** Small helpers for feeding and reading a package through the executor. */
final class PackageIo {
    private PackageIo() {}

    /** The declared shape of input {@code name}, or null when the package has no such input. */
    static int[] inputShape(MlProgramExecutor exec, String name) {
        for (FeatureDescription f : exec.inputs()) {
            if (f.name().equals(name)) {
                return f.type().intDims();
            }
        }
        return null;
    }

    static int[] requireInput(MlProgramExecutor exec, String name, String artifact) {
        int[] shape = inputShape(exec, name);
        if (shape == null) {
            throw new BadInputException(artifact + ": no input '" + name + "'");
        }
        return shape;
    }

    /** The output's values as float32, whatever its declared float kind. */
    static float[] floats(java.util.Map<String, NdArray> outputs, String name, String artifact) {
        NdArray a = outputs.get(name);
        if (a == null) {
            throw new BadInputException(artifact + ": no output '" + name + "' (outputs " + outputs.keySet()
                    + ")");
        }
        return a.floats();
    }

    static float[] flatten(float[][] rows) {
        int w = rows[0].length;
        float[] v = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * w, w);
        }
        return v;
    }
}
