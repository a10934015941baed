package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The depth-logits package (gen-1 host protocol, mrt2-model.md §6.1.2) on one frame, teacher-forced: rows
 * {@code [temporal output, 32 Emb[token of level 0..L-2]]}, so by causality one prediction gives every level's
 * logits; later positions, if the package has more, are zero.
 */
final class DepthLogits {
    static final String INPUT = "depth_inputs";
    static final String OUTPUT = "depth_logits";

    private final MlProgramExecutor exec;
    private final String artifact;
    private final int[] inputShape;

    DepthLogits(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        this.inputShape = PackageIo.requireInput(exec, INPUT, artifact);
    }

    /** Logits {@code [L][V]} of rows {@code [temporal output; prefix (L-1 rows)]}. */
    float[][] logits(float[] temporalOutput, float[][] prefix) {
        int positions = inputShape[1];
        int dim = inputShape[2];
        int levels = prefix.length + 1;
        if (positions < levels) {
            throw new BadInputException(artifact + ": " + INPUT + " has " + positions + " positions, the reference has "
                    + levels + " levels");
        }
        float[] rows = new float[positions * dim];
        System.arraycopy(temporalOutput, 0, rows, 0, dim);
        for (int k = 1; k < levels; k++) {
            System.arraycopy(prefix[k - 1], 0, rows, k * dim, dim);
        }
        Map<String, NdArray> in = new TreeMap<>();
        in.put(INPUT, NdArray.f32(inputShape, rows));
        float[] flat = PackageIo.floats(exec.predict(in), OUTPUT, artifact);
        int vocab = flat.length / positions;
        float[][] out = new float[levels][];
        for (int l = 0; l < levels; l++) {
            out[l] = Arrays.copyOfRange(flat, l * vocab, (l + 1) * vocab);
        }
        return out;
    }

    /**
     * §8.1 "deterministic argmax sampling": per level l, the argmax over the level's valid ids
     * {@code [6 + C l, 6 + C l + C)} of its row, as a unique id; C = (V - 6) / L.
     */
    static int[] argmaxIds(float[][] logits) {
        int levels = logits.length;
        int c = (logits[0].length - Mrt2Constants.RESERVED_TOKENS) / levels;
        int[] ids = new int[levels];
        for (int l = 0; l < levels; l++) {
            int from = Mrt2Constants.RESERVED_TOKENS + c * l;
            int best = from;
            for (int i = from + 1; i < from + c; i++) {
                if (logits[l][i] > logits[l][best]) {
                    best = i;
                }
            }
            ids[l] = best;
        }
        return ids;
    }
}
