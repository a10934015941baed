package dev.mrt2.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.validate.metrics.TokenMismatches;
import dev.mrt2.validate.reference.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the in-graph depth rollout package (mrt2-model.md §6.2.3) on each reference arm, one prediction per frame with
 * the reference's frame input, noise and inverse temperature, and compares codes and feedback (§8.1 rollout fields).
 * Every differing token is classified by the reference's own numbers, in one of two ways:
 * <ul>
 *   <li>{@code score}: both codes are inside the reference's top-k; the gap is the reference's perturbed score of its
 *       code minus that of the package's code;</li>
 *   <li>{@code top_k_boundary}: the reference masked the package's code out (its logit fell below the k-th largest);
 *       the gap is the reference threshold minus that code's logit, i.e. how far it missed the top-k.</li>
 * </ul>
 * A flip is a near tie when its gap is at most {@link #NEAR_TIE_GAP}.
 */
final class RolloutCheck {
    static final String FRAME = "temporal_frame";
    static final String NOISE = "gumbel_noise";
    static final String INVERSE_TEMPERATURE = "inverse_temperature";
    static final String CODES = "sampled_codes";
    static final String FEEDBACK = "temporal_feedback";
    /**
     * Largest reference score gap still called a near tie: a few FP16 steps at the largest reachable scores
     * (|logit * invT + g| < 64, where FP16 spacing is 2^-5), i.e. a margin FP16 rounding of the logits can close.
     */
    static final double NEAR_TIE_GAP = 0.1;

    static final String SCORE = "score";
    static final String TOP_K_BOUNDARY = "top_k_boundary";

    /**
     * One token where the package and the reference differ.
     *
     * @param kind             {@link #SCORE} or {@link #TOP_K_BOUNDARY}
     * @param scoreGap         the reference's margin against the package's code (>= 0), see the class comment
     * @param afterDivergence  an earlier level of the same frame already differed, so the package's input to this
     *                         level was not the reference's
     */
    @JsonPropertyOrder(alphabetic = true)
    record Flip(@JsonProperty("frame") int frame, @JsonProperty("level") int level,
                @JsonProperty("reference_code") int referenceCode, @JsonProperty("package_code") int packageCode,
                @JsonProperty("kind") String kind, @JsonProperty("score_gap") double scoreGap,
                @JsonProperty("near_tie") boolean nearTie,
                @JsonProperty("after_divergence") boolean afterDivergence) {}

    /** One arm's figures. */
    record ArmResult(RolloutReference.Arm arm, TokenMismatches tokens, Comparison feedback, List<Flip> flips) {
        double feedbackMaxAbsError() {
            return feedback.maxAbsError();
        }

        double feedbackFiniteRatio() {
            return feedback.finiteRatio();
        }

        long firstInFrameNotNearTie() {
            return flips.stream().filter(f -> !f.afterDivergence() && !f.nearTie()).count();
        }

        long nearTies() {
            return flips.stream().filter(Flip::nearTie).count();
        }

        Map<String, Object> json() {
            Map<String, Object> m = new TreeMap<>();
            m.put("frames", tokens.perFrameMismatches().size());
            m.put("temperature", Double.parseDouble(Float.toString(arm.spec().temperature())));
            m.put("inverse_temperature", Double.parseDouble(Float.toString(arm.inverseTemperature())));
            m.put("noise", arm.spec().noise() ? "gumbel" : "zero");
            m.put("inputs", arm.origin().inputs());
            m.put("reference", arm.origin().source());
            m.put("token_mismatches_vs_reference", tokens.tokenMismatches());
            m.put("total_tokens", tokens.totalTokens());
            m.put("mismatch_rate", tokens.mismatchRate());
            m.put("per_frame_mismatches", tokens.perFrameMismatches());
            m.put("first_divergence_levels", tokens.firstDivergenceLevels());
            m.put("frames_with_any_divergence", tokens.framesWithAnyDivergence());
            m.put("temporal_feedback_max_abs_error", feedbackMaxAbsError());
            m.put("temporal_feedback_finite_ratio", feedbackFiniteRatio());
            Map<String, Object> flipJson = new TreeMap<>();
            flipJson.put("near_tie_gap", NEAR_TIE_GAP);
            flipJson.put("near_tie", nearTies());
            flipJson.put("not_near_tie", flips.size() - nearTies());
            flipJson.put("first_in_frame_near_tie",
                    flips.stream().filter(f -> !f.afterDivergence() && f.nearTie()).count());
            flipJson.put("first_in_frame_not_near_tie", firstInFrameNotNearTie());
            flipJson.put("top_k_boundary", flips.stream().filter(f -> f.kind().equals(TOP_K_BOUNDARY)).count());
            flipJson.put("tokens", flips);
            m.put("flips", flipJson);
            return m;
        }
    }

    private final MlProgramExecutor exec;
    private final String artifact;

    RolloutCheck(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        for (String input : List.of(FRAME, NOISE, INVERSE_TEMPERATURE)) {
            PackageIo.requireInput(exec, input, artifact);
        }
    }

    ArmResult run(RolloutReference.Arm arm) {
        int frames = arm.codes().length;
        int[][] codes = new int[frames][];
        float[][] feedback = new float[frames][];
        // every frame's input is the reference's, so the frames are independent: one batch reads each weight once
        List<Map<String, NdArray>> inputs = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            float[] input = arm.inputs()[f];
            float[][] noise = arm.gumbel()[f];
            Map<String, NdArray> in = new TreeMap<>();
            in.put(FRAME, NdArray.f32(new int[] {1, 1, input.length}, input));
            in.put(NOISE, NdArray.f32(new int[] {noise.length, noise[0].length}, PackageIo.flatten(noise)));
            in.put(INVERSE_TEMPERATURE, NdArray.f32(new int[] {1}, new float[] {arm.inverseTemperature()}));
            inputs.add(in);
        }
        List<Map<String, NdArray>> outputs = exec.predictAll(inputs);
        for (int f = 0; f < frames; f++) {
            Map<String, NdArray> out = outputs.get(f);
            NdArray sampled = out.get(CODES);
            if (sampled == null || sampled.kind() != NdArray.Kind.I32) {
                throw new BadInputException(artifact + ": no int32 output '" + CODES + "'");
            }
            codes[f] = sampled.ints().clone();
            feedback[f] = PackageIo.floats(out, FEEDBACK, artifact).clone();
        }
        int d = feedback[0].length;
        Comparison fb = Metrics.compare(NdArray.f32(new int[] {frames, d}, PackageIo.flatten(feedback)),
                NdArray.f32(new int[] {frames, d}, PackageIo.flatten(arm.feedback())));
        return new ArmResult(arm, Metrics.tokens(codes, arm.codes()), fb,
                classify(codes, arm.codes(), arm.logits(), arm.scores()));
    }

    /** Every differing token with the reference's margin against the package's code. */
    static List<Flip> classify(int[][] actual, int[][] expected, float[][][] logits, float[][][] scores) {
        List<Flip> flips = new ArrayList<>();
        for (int f = 0; f < expected.length; f++) {
            boolean diverged = false;
            for (int l = 0; l < expected[f].length; l++) {
                int want = expected[f][l];
                int got = actual[f][l];
                if (got == want) {
                    continue;
                }
                if (got < 0 || got >= scores[f][l].length) {
                    throw new BadInputException("sampled code " + got + " at frame " + f + ", level " + l
                            + " is outside 0.." + (scores[f][l].length - 1));
                }
                float[] z = logits[f][l];
                float threshold = Sampler.topKThreshold(z, 0, z.length, topK(z.length));
                boolean masked = z[got] < threshold;
                double gap = masked ? (double) threshold - z[got] : (double) scores[f][l][want] - scores[f][l][got];
                flips.add(new Flip(f, l, want, got, masked ? TOP_K_BOUNDARY : SCORE, gap, gap <= NEAR_TIE_GAP,
                        diverged));
                diverged = true;
            }
        }
        return flips;
    }

    private static int topK(int codes) {
        return Math.min(dev.mrt2.model.Mrt2Constants.TOP_K, codes);
    }
}
