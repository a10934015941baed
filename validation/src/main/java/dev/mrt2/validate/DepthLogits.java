package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * Logits {@code [F][L][V]}: frame f's of rows {@code [temporal output f; prefix f (L-1 rows)]}, in one batch of
     * predictions
     * ({@link MlProgramExecutor#predictAll}: the frames are independent, so each weight is read once for all of them,
     * with the bits each frame gets alone).
     */
    float[][][] logitsAll(float[][] temporalOutputs, float[][][] prefixes) {
        int positions = inputShape[1];
        int dim = inputShape[2];
        List<Map<String, NdArray>> inputs = new ArrayList<>();
        for (int f = 0; f < temporalOutputs.length; f++) {
            int levels = prefixes[f].length + 1;
            if (positions < levels) {
                throw new BadInputException(artifact + ": " + INPUT + " has " + positions + " positions, the reference "
                        + "has " + levels + " levels");
            }
            float[] rows = new float[positions * dim];
            System.arraycopy(temporalOutputs[f], 0, rows, 0, dim);
            for (int k = 1; k < levels; k++) {
                System.arraycopy(prefixes[f][k - 1], 0, rows, k * dim, dim);
            }
            Map<String, NdArray> in = new TreeMap<>();
            in.put(INPUT, NdArray.f32(inputShape, rows));
            inputs.add(in);
        }
        List<Map<String, NdArray>> results = exec.predictAll(inputs);
        float[][][] out = new float[results.size()][][];
        for (int f = 0; f < out.length; f++) {
            float[] flat = PackageIo.floats(results.get(f), OUTPUT, artifact);
            int vocab = flat.length / positions;
            int levels = prefixes[f].length + 1;
            out[f] = new float[levels][];
            for (int l = 0; l < levels; l++) {
                out[f][l] = Arrays.copyOfRange(flat, l * vocab, (l + 1) * vocab);
            }
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
