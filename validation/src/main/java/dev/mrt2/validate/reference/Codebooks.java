package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;

/**
 * The RVQ codebooks the host sums into decoder embeddings (mrt2-model.md §4.1, §5, §14.6): the first L levels of
 * {@code params/soundstream/quantizer/embedding [stored levels, C, E]}.
 */
public final class Codebooks {
    private final float[] table;
    private final int levels;
    private final int codebookSize;
    private final int dim;

    /** @param table {@code [levels, C, E]} row-major */
    public Codebooks(float[] table, int levels, int codebookSize, int dim) {
        if (table.length != (long) levels * codebookSize * dim) {
            throw new IllegalArgumentException("codebooks have " + table.length + " values, expected " + levels + " x "
                    + codebookSize + " x " + dim);
        }
        this.table = table;
        this.levels = levels;
        this.codebookSize = codebookSize;
        this.dim = dim;
    }

    public static Codebooks load(SafetensorsFile file, Mrt2Dims dims) {
        float[] all = new CheckpointReader(file).read(Mrt2Keys.QUANTIZER, dims.storedLevels(), dims.codebookSize(),
                dims.codebookDim());
        int levels = dims.rvqLevels();
        return new Codebooks(java.util.Arrays.copyOf(all, levels * dims.codebookSize() * dims.codebookDim()), levels,
                dims.codebookSize(), dims.codebookDim());
    }

    public int dim() {
        return dim;
    }

    /** The table {@code [levels, C, E]} row-major (not a copy). */
    public float[] values() {
        return table;
    }

    /** {@code [T][E]}: per frame, {@code sum_l Codebook[l][codes[t][l]]} added in level order 0..L-1 in float32. */
    public float[][] embeddingsFromCodes(int[][] codes) {
        float[][] out = new float[codes.length][dim];
        for (int t = 0; t < codes.length; t++) {
            if (codes[t].length != levels) {
                throw new IllegalArgumentException("frame " + t + " has " + codes[t].length + " codes, expected "
                        + levels);
            }
            for (int l = 0; l < levels; l++) {
                int c = codes[t][l];
                if (c < 0 || c >= codebookSize) {
                    throw new IllegalArgumentException("frame " + t + " level " + l + ": code " + c + " outside 0.."
                            + (codebookSize - 1));
                }
                int row = (l * codebookSize + c) * dim;
                for (int d = 0; d < dim; d++) {
                    out[t][d] += table[row + d];
                }
            }
        }
        return out;
    }

    /** Raw codes from unique ids, {@code (id - 6) mod C} (§14.6). */
    public static int[][] codesFromUnique(int[][] ids, int codebookSize) {
        int[][] codes = new int[ids.length][];
        for (int t = 0; t < ids.length; t++) {
            codes[t] = new int[ids[t].length];
            for (int l = 0; l < ids[t].length; l++) {
                codes[t][l] = Math.floorMod(ids[t][l] - Mrt2Constants.RESERVED_TOKENS, codebookSize);
            }
        }
        return codes;
    }
}
