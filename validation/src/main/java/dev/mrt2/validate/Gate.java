package dev.mrt2.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One pass/fail rule applied to one figure (issue #5 item 6).
 *
 * @param artifact  the package it judges
 * @param figure    what was measured, e.g. {@code temporal.overall.correlation}
 * @param value     the measured value (NaN when undefined)
 * @param rule      {@code ">="}, {@code "=="} or {@code "<="}
 * @param threshold the bound
 * @param passed    whether value satisfies the rule (NaN never does)
 */
@JsonPropertyOrder(alphabetic = true)
public record Gate(@JsonProperty("artifact") String artifact, @JsonProperty("figure") String figure,
                   @JsonProperty("value") double value, @JsonProperty("rule") String rule,
                   @JsonProperty("threshold") double threshold, @JsonProperty("passed") boolean passed) {

    static Gate atLeast(String artifact, String figure, double value, double threshold) {
        return new Gate(artifact, figure, value, ">=", threshold, value >= threshold);
    }

    static Gate atMost(String artifact, String figure, double value, double threshold) {
        return new Gate(artifact, figure, value, "<=", threshold, value <= threshold);
    }

    static Gate exactly(String artifact, String figure, double value, double required) {
        return new Gate(artifact, figure, value, "==", required, value == required);
    }

    /** {@code MRT2TemporalBody: temporal.overall.correlation = 0.99871 (required >= 0.9999): FAILED}. */
    public String line() {
        return artifact + ": " + figure + " = " + value + " (required " + rule + " " + threshold + "): "
                + (passed ? "passed" : "FAILED");
    }
}
