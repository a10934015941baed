package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.validate.metrics.TokenMismatches;
import dev.mrt2.validate.reference.Sampler;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.TreeMap;

/**
 * Token agreement of the depth-logits package (gen-1 host protocol, mrt2-model.md §6.1.2) with the reference, per
 * sampling arm, teacher-forced: each frame's depth rows are {@code [temporal output, sqrt(D) Emb[reference ids of
 * levels 0..L-2]]}, so by causality one prediction gives every level's logits; each level is sampled with the §3.7
 * rule and the same noise and temperature as the reference.
 * <ul>
 *   <li>{@code depth}: the depth package alone, row 0 = the reference temporal output;</li>
 *   <li>{@code temporal_plus_depth}: row 0 = the temporal package's output for the reference's temporal inputs.</li>
 * </ul>
 */
final class TokenCheck {
    static final String DEPTH_INPUT = "depth_inputs";
    static final String DEPTH_OUTPUT = "depth_logits";

    /**
     * @param depth             the depth package fed the reference temporal outputs
     * @param temporalPlusDepth the composition, or null without a temporal package
     * @param temporalOutputs   the temporal package's outputs vs the reference's over the arm's frames, or null
     */
    record ArmResult(String arm, float temperature, TokenMismatches depth, TokenMismatches temporalPlusDepth,
                     Comparison temporalOutputs, String provenance) {
        Map<String, Object> json() {
            Map<String, Object> m = new TreeMap<>();
            m.put("temperature", Double.parseDouble(Float.toString(temperature)));   // 1.3, not 1.2999999523
            m.put("frames", depth.perFrameMismatches().size());
            m.put("depth", depth);
            m.put("temporal_plus_depth", temporalPlusDepth);
            m.put("temporal_outputs", temporalOutputs);
            m.put("inputs", provenance);
            return m;
        }
    }

    private final MlProgramExecutor depth;
    private final String artifact;
    private final int[] inputShape;

    TokenCheck(MlProgramExecutor depth, String artifact) {
        this.depth = depth;
        this.artifact = artifact;
        this.inputShape = PackageIo.requireInput(depth, DEPTH_INPUT, artifact);
    }

    /** @param temporal the temporal package's check for the composed run, or null */
    ArmResult run(ReferenceSet.TokenArm arm, TemporalCheck temporal) {
        int frames = arm.frames();
        Sampler sampler = Sampler.standard(arm.codebookSize());
        int[][] expected = codes(arm.ids(), arm.codebookSize());
        int[][] alone = new int[frames][];
        for (int f = 0; f < frames; f++) {
            alone[f] = codes(sample(sampler, arm, f, arm.temporalOutputs()[f]), arm.codebookSize());
        }
        TokenMismatches composed = null;
        Comparison temporalOutputs = null;
        if (temporal != null) {
            int[][] both = new int[frames][];
            float[][] outs = new float[frames][];
            temporal.resetStates();
            for (int f = 0; f < frames; f++) {
                outs[f] = temporal.step(f, arm.temporalInputs()[f], arm.sources()[f]);
                both[f] = codes(sample(sampler, arm, f, outs[f]), arm.codebookSize());
            }
            composed = Metrics.tokens(both, expected);
            int d = outs[0].length;
            temporalOutputs = Metrics.compare(NdArray.f32(new int[] {frames, d}, PackageIo.flatten(outs)),
                    NdArray.f32(new int[] {frames, d}, PackageIo.flatten(arm.temporalOutputs())));
        }
        return new ArmResult(arm.name(), arm.temperature(), Metrics.tokens(alone, expected), composed,
                temporalOutputs, arm.provenance());
    }

    /** One prediction with rows [temporal output, prefix...] and the §3.7 sampler on every level's row. */
    private int[] sample(Sampler sampler, ReferenceSet.TokenArm arm, int frame, float[] temporalOutput) {
        int positions = inputShape[1];
        int dim = inputShape[2];
        int levels = arm.levels();
        if (positions < levels) {
            throw new BadInputException(artifact + ": " + DEPTH_INPUT + " has " + positions
                    + " positions, the reference samples " + levels + " levels");
        }
        float[] rows = new float[positions * dim];
        System.arraycopy(temporalOutput, 0, rows, 0, dim);
        for (int k = 1; k < levels; k++) {
            System.arraycopy(arm.prefix()[frame][k - 1], 0, rows, k * dim, dim);
        }
        Map<String, NdArray> in = new TreeMap<>();
        in.put(DEPTH_INPUT, NdArray.f32(inputShape, rows));
        float[] logits = PackageIo.floats(depth.predict(in), DEPTH_OUTPUT, artifact);
        int vocab = logits.length / positions;
        int[] ids = new int[levels];
        for (int l = 0; l < levels; l++) {
            float[] row = java.util.Arrays.copyOfRange(logits, l * vocab, (l + 1) * vocab);
            ids[l] = sampler.sampleUnique(row, l, arm.gumbel()[frame][l], arm.temperature());
        }
        return ids;
    }

    private static int[][] codes(int[][] ids, int codebookSize) {
        int[][] out = new int[ids.length][];
        for (int f = 0; f < ids.length; f++) {
            out[f] = codes(ids[f], codebookSize);
        }
        return out;
    }

    private static int[] codes(int[] ids, int codebookSize) {
        int[] c = new int[ids.length];
        for (int l = 0; l < ids.length; l++) {
            c[l] = Math.floorMod(ids[l] - Mrt2Constants.RESERVED_TOKENS, codebookSize);
        }
        return c;
    }
}
