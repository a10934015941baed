package dev.mrt2.validate.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Token agreement of a rollout (mrt2-model.md §8.1, "rollout token mismatch"): codes compared elementwise per frame.
 *
 * @param tokenMismatches         differing tokens over all frames
 * @param totalTokens             frames x levels
 * @param mismatchRate            tokenMismatches / totalTokens
 * @param perFrameMismatches      differing tokens in each frame
 * @param firstDivergenceLevels   per frame, the first differing level, or null when the frame agrees
 * @param framesWithAnyDivergence frames with at least one differing token
 */
@JsonPropertyOrder(alphabetic = true)
public record TokenMismatches(
        @JsonProperty("token_mismatches") int tokenMismatches,
        @JsonProperty("total_tokens") int totalTokens,
        @JsonProperty("mismatch_rate") double mismatchRate,
        @JsonProperty("per_frame_mismatches") List<Integer> perFrameMismatches,
        @JsonProperty("first_divergence_levels") List<Integer> firstDivergenceLevels,
        @JsonProperty("frames_with_any_divergence") int framesWithAnyDivergence) {

    public TokenMismatches {
        perFrameMismatches = List.copyOf(perFrameMismatches);
        // List.copyOf rejects nulls, and an agreeing frame's divergence level is null.
        firstDivergenceLevels = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(firstDivergenceLevels));
    }
}
