package dev.mrt2.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.mrt2.validate.metrics.Figures;

/**
 * One pass/fail rule applied to one figure, with the reason for its threshold.
 *
 * @param artifact  the package it judges
 * @param fixture   the fixture file the expected values came from (computed cases: the file they would be stored in),
 *                  or null for a figure of the package alone
 * @param figure    what was measured, e.g. {@code stream.correlation}
 * @param value     the measured value (NaN when undefined)
 * @param rule      {@code ">="}, {@code "=="} or {@code "<="}
 * @param threshold the bound
 * @param passed    whether value satisfies the rule (NaN never does)
 * @param why       where the threshold comes from
 */
@JsonPropertyOrder(alphabetic = true)
public record Gate(@JsonProperty("artifact") String artifact, @JsonProperty("fixture") String fixture,
                   @JsonProperty("figure") String figure, @JsonProperty("value") double value,
                   @JsonProperty("rule") String rule, @JsonProperty("threshold") double threshold,
                   @JsonProperty("passed") boolean passed, @JsonProperty("why") String why) {

    static Gate atLeast(String artifact, String fixture, String figure, double value, double threshold, String why) {
        return new Gate(artifact, fixture, figure, value, ">=", threshold, value >= threshold, why);
    }

    static Gate atMost(String artifact, String fixture, String figure, double value, double threshold, String why) {
        return new Gate(artifact, fixture, figure, value, "<=", threshold, value <= threshold, why);
    }

    static Gate exactly(String artifact, String fixture, String figure, double value, double required, String why) {
        return new Gate(artifact, fixture, figure, value, "==", required, value == required, why);
    }

    /**
     * {@code MRT2TemporalBody: stream.correlation = 0.998712345678 (required >= 0.999;
     * temporal_streaming_carry_64.npz): FAILED}.
     */
    public String line() {
        return artifact + ": " + figure + " = " + Figures.format(value) + " (required " + rule + " "
                + Figures.format(threshold) + (fixture == null ? "" : "; " + fixture) + "): "
                + (passed ? "passed" : "FAILED");
    }
}
