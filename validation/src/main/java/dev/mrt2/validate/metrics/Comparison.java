package dev.mrt2.validate.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Candidate-vs-expected figures of mrt2-model.md §8.1, all computed in float64 over the flattened tensors. When any
 * position is non-finite in either tensor ({@code finiteRatio < 1}) every error figure and the correlation are NaN,
 * as in the seed's decoder validator, so a non-finite output can never pass a gate by accident.
 *
 * @param shape                 the compared shape
 * @param totalCount            elements compared
 * @param finiteCount           positions where both tensors are finite
 * @param finiteRatio           finiteCount / totalCount
 * @param maxAbsError           max |a - e|
 * @param meanAbsError          mean |a - e|
 * @param rmsError              sqrt(mean (a - e)^2)
 * @param snrDb                 20 log10(rms(e) / rmsError); +Infinity when rmsError = 0
 * @param correlation           Pearson correlation; null when either standard deviation is 0
 * @param logSpectralDistanceDb §8.1 LSD over (re, im) pairs; null when not a spectrum comparison
 */
@JsonPropertyOrder(alphabetic = true)
public record Comparison(
        @JsonProperty("shape") List<Integer> shape,
        @JsonProperty("total_count") long totalCount,
        @JsonProperty("finite_count") long finiteCount,
        @JsonProperty("finite_ratio") double finiteRatio,
        @JsonProperty("max_abs_error") double maxAbsError,
        @JsonProperty("mean_abs_error") double meanAbsError,
        @JsonProperty("rms_error") double rmsError,
        @JsonProperty("snr_db") double snrDb,
        @JsonProperty("correlation") Double correlation,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @JsonProperty("log_spectral_distance_db") Double logSpectralDistanceDb) {

    public Comparison {
        shape = List.copyOf(shape);
    }

    /** The same figures with the log-spectral distance added. */
    public Comparison withLogSpectralDistance(double lsdDb) {
        return new Comparison(shape, totalCount, finiteCount, finiteRatio, maxAbsError, meanAbsError, rmsError, snrDb,
                correlation, lsdDb);
    }

    public boolean allFinite() {
        return finiteCount == totalCount;
    }

    /** The correlation as a number: NaN when undefined. */
    public double correlationOrNaN() {
        return correlation == null ? Double.NaN : correlation;
    }
}
