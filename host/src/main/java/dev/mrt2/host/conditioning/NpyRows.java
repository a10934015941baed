package dev.mrt2.host.conditioning;

import dev.mrt2.io.BadInputException;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import java.nio.file.Path;
import java.util.Arrays;

/** Conditioning rows from a NumPy {@code .npy}: {@code [S]} (one row), {@code [F, S]} or {@code [1, F, S]}, floats. */
final class NpyRows {
    private NpyRows() {}

    static float[][] read(Path file, int sourceDim) {
        Npy.Contents contents = Npy.readContents(file);
        NdArray a = contents.array();
        int[] shape = a.shape();
        boolean rowsShape = shape.length == 1 || shape.length == 2 || (shape.length == 3 && shape[0] == 1);
        if (!a.isFloat() || !rowsShape || shape[shape.length - 1] != sourceDim) {
            // the file's own dtype (an int64 file arrives as I32): what the user can look up in NumPy
            throw new BadInputException(file + ": " + contents.describe() + ", expected float rows [" + sourceDim
                    + "], [F, " + sourceDim + "] or [1, F, " + sourceDim + "] (the models take source_encoded of width "
                    + sourceDim + ")");
        }
        int frames = shape.length == 1 ? 1 : shape[shape.length - 2];
        if (frames == 0) {
            throw new BadInputException(file + ": no rows (shape " + Arrays.toString(shape) + ")");
        }
        float[] values = a.floats();
        float[][] rows = new float[frames][];
        for (int f = 0; f < frames; f++) {
            rows[f] = Arrays.copyOfRange(values, f * sourceDim, (f + 1) * sourceDim);
        }
        ConditioningFile.requireFinite(file, rows);
        return rows;
    }
}
