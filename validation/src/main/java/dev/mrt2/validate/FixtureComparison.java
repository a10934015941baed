package dev.mrt2.validate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Figures;
import dev.mrt2.validate.metrics.TokenMismatches;
import java.util.List;

/**
 * One row of the {@code fixture_comparisons} array (of {@code validate --json}, every receipt, and
 * {@code device-bench --fixtures}): one package's output compared with one fixture array, in the figures of
 * mrt2-model.md §8.1. Stable keys for CI; absent keys are figures that do not apply to the row.
 *
 * @param fixture         the fixture file the expected values came from (computed: the file they would be stored in)
 * @param array           the member or array compared against, e.g. {@code reference_outputs}
 * @param packageName     the package whose output was compared
 * @param temporalSource  depth rows: whose temporal output fed row 0 ({@code fixture} or {@code package})
 * @param temporalPackage depth rows fed by a package: that temporal package
 * @param computeUnits    device-bench rows: the Core ML compute units it ran under
 * @param correlation     Pearson correlation (null when undefined or for token-only rows)
 * @param tokenMismatches token rows: differing tokens
 * @param totalTokens     token rows: tokens compared
 * @param perStep         streamed rows: the same figures per step
 */
@JsonPropertyOrder(alphabetic = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FixtureComparison(
        @JsonProperty("fixture") String fixture,
        @JsonProperty("array") String array,
        @JsonProperty("package") String packageName,
        @JsonProperty("temporal_source") String temporalSource,
        @JsonProperty("temporal_package") String temporalPackage,
        @JsonProperty("compute_units") String computeUnits,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("correlation") Double correlation,
        @JsonProperty("max_abs_error") Double maxAbsError,
        @JsonProperty("mean_abs_error") Double meanAbsError,
        @JsonProperty("snr_db") Double snrDb,
        @JsonProperty("finite_ratio") Double finiteRatio,
        @JsonProperty("log_spectral_distance_db") Double logSpectralDistanceDb,
        @JsonProperty("token_mismatches") Integer tokenMismatches,
        @JsonProperty("total_tokens") Integer totalTokens,
        @JsonProperty("per_step") List<StepFigures> perStep) {

    public static final String FIXTURE = "fixture";
    public static final String PACKAGE = "package";

    /** Figures of one step of a streamed comparison. */
    @JsonPropertyOrder(alphabetic = true)
    public record StepFigures(@JsonProperty("step") int step, @JsonProperty("correlation") Double correlation,
                              @JsonProperty("max_abs_error") double maxAbsError,
                              @JsonProperty("mean_abs_error") double meanAbsError,
                              @JsonProperty("snr_db") double snrDb, @JsonProperty("finite_ratio") double finiteRatio) {
        public static StepFigures of(int step, Comparison c) {
            return new StepFigures(step, c.correlation(), c.maxAbsError(), c.meanAbsError(), c.snrDb(),
                    c.finiteRatio());
        }
    }

    /** A value comparison. */
    public static FixtureComparison of(String fixture, String array, String pkg, Comparison c) {
        return new FixtureComparison(fixture, array, pkg, null, null, null, c.correlation(), c.maxAbsError(),
                c.meanAbsError(), c.snrDb(), c.finiteRatio(), c.logSpectralDistanceDb(), null, null, null);
    }

    public FixtureComparison withTokens(TokenMismatches t) {
        return new FixtureComparison(fixture, array, packageName, temporalSource, temporalPackage, computeUnits,
                correlation, maxAbsError, meanAbsError, snrDb, finiteRatio, logSpectralDistanceDb, t.tokenMismatches(),
                t.totalTokens(), perStep);
    }

    /** A token-only comparison (no values to correlate). */
    public static FixtureComparison tokens(String fixture, String array, String pkg, TokenMismatches t) {
        return new FixtureComparison(fixture, array, pkg, null, null, null, null, null, null, null, null, null,
                t.tokenMismatches(), t.totalTokens(), null);
    }

    public FixtureComparison withTemporal(String source, String temporalPackage) {
        return new FixtureComparison(fixture, array, packageName, source, temporalPackage, computeUnits, correlation,
                maxAbsError, meanAbsError, snrDb, finiteRatio, logSpectralDistanceDb, tokenMismatches, totalTokens,
                perStep);
    }

    public FixtureComparison withSteps(List<StepFigures> steps) {
        return new FixtureComparison(fixture, array, packageName, temporalSource, temporalPackage, computeUnits,
                correlation, maxAbsError, meanAbsError, snrDb, finiteRatio, logSpectralDistanceDb, tokenMismatches,
                totalTokens, List.copyOf(steps));
    }

    public FixtureComparison withPackage(String pkg) {
        return new FixtureComparison(fixture, array, pkg, temporalSource, temporalPackage, computeUnits, correlation,
                maxAbsError, meanAbsError, snrDb, finiteRatio, logSpectralDistanceDb, tokenMismatches, totalTokens,
                perStep);
    }

    public FixtureComparison withComputeUnits(String units) {
        return new FixtureComparison(fixture, array, packageName, temporalSource, temporalPackage, units, correlation,
                maxAbsError, meanAbsError, snrDb, finiteRatio, logSpectralDistanceDb, tokenMismatches, totalTokens,
                perStep);
    }

    /**
     * One line for people, 12 significant digits:
     * {@code temporal_streaming_carry_64.npz reference_outputs vs MRT2TemporalBody: correlation 0.999985904188, ...}.
     */
    public String line() {
        StringBuilder s = new StringBuilder(fixture).append(' ').append(array).append(" vs ").append(packageName);
        if (temporalPackage != null) {
            s.append(" (row 0 from ").append(temporalPackage).append(')');
        } else if (temporalSource != null) {
            s.append(" (row 0 from the fixture)");
        }
        if (computeUnits != null) {
            s.append(" [").append(computeUnits).append(']');
        }
        s.append(':');
        String sep = " ";
        if (maxAbsError != null) {
            s.append(" correlation ").append(Figures.format(correlation))
                    .append(", max abs error ").append(Figures.format(maxAbsError))
                    .append(", mean abs error ").append(Figures.format(meanAbsError))
                    .append(", SNR ").append(Figures.format(snrDb)).append(" dB")
                    .append(", finite ratio ").append(Figures.format(finiteRatio));
            if (logSpectralDistanceDb != null) {
                s.append(", LSD ").append(Figures.format(logSpectralDistanceDb)).append(" dB");
            }
            sep = ", ";
        }
        if (tokenMismatches != null) {
            s.append(sep).append("token mismatches ").append(tokenMismatches).append('/').append(totalTokens);
        }
        return s.toString();
    }
}
