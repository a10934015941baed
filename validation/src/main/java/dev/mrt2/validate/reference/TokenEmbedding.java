package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;

/**
 * The Depthformer token embedding {@code Emb [V, D]} and the host-side inputs built from it (mrt2-model.md §3.1,
 * §3.6): every use scales a row by {@code sqrt(D)} (32 for D = 1024).
 */
public final class TokenEmbedding {
    private final float[] table;
    private final int vocab;
    private final int dim;
    private final int codebookSize;
    private final float scale;

    /** @param table {@code [vocab, dim]} row-major */
    public TokenEmbedding(float[] table, int vocab, int dim, int codebookSize) {
        if (table.length != (long) vocab * dim) {
            throw new IllegalArgumentException("embedding has " + table.length + " values, expected " + vocab + " x "
                    + dim);
        }
        this.table = table;
        this.vocab = vocab;
        this.dim = dim;
        this.codebookSize = codebookSize;
        this.scale = Mrt2Constants.embeddingScale(dim);
    }

    public static TokenEmbedding load(SafetensorsFile file, Mrt2Dims dims) {
        float[] table = new CheckpointReader(file).read(Mrt2Keys.EMBEDDING, dims.vocab(), dims.temporalDim());
        return new TokenEmbedding(table, dims.vocab(), dims.temporalDim(), dims.codebookSize());
    }

    public int dim() {
        return dim;
    }

    public int codebookSize() {
        return codebookSize;
    }

    public int levels() {
        return (vocab - Mrt2Constants.RESERVED_TOKENS) / codebookSize;
    }

    /** {@code sqrt(D) Emb[id]}: a depth position (§3.6) and, for id 0, the SOS temporal input (§3.1). */
    public float[] scaledRow(int id) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + id + " outside 0.." + (vocab - 1));
        }
        float[] row = new float[dim];
        for (int i = 0; i < dim; i++) {
            row[i] = scale * table[id * dim + i];
        }
        return row;
    }

    /** The first frame's temporal input: SOS = twelve id-0 tokens, i.e. {@code sqrt(D) Emb[0]}. */
    public float[] sos() {
        return scaledRow(Mrt2Constants.SOS_ID);
    }

    /** §3.1: {@code (1/L) sum_l sqrt(D) Emb[ids[l]]}, summed in level order in float32, then divided by L. */
    public float[] temporalInput(int[] uniqueIds) {
        float[] sum = new float[dim];
        for (int id : uniqueIds) {
            float[] row = scaledRow(id);
            for (int i = 0; i < dim; i++) {
                sum[i] += row[i];
            }
        }
        for (int i = 0; i < dim; i++) {
            sum[i] /= uniqueIds.length;
        }
        return sum;
    }

    /** Unique id of (level, code): {@code 6 + C level + code}. */
    public int uniqueId(int level, int code) {
        if (code < 0 || code >= codebookSize) {
            throw new IllegalArgumentException("code " + code + " outside 0.." + (codebookSize - 1));
        }
        return Mrt2Constants.RESERVED_TOKENS + codebookSize * level + code;
    }

    /** Raw code of a unique id at its level: {@code (id - 6) mod C}. */
    public int code(int uniqueId) {
        return Math.floorMod(uniqueId - Mrt2Constants.RESERVED_TOKENS, codebookSize);
    }
}
