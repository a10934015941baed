package dev.mrt2.validate;

import dev.mrt2.validate.headroom.HeadroomReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One artifact's validation receipt: what was compared against which fixture, every figure, every gate, and what
 * the reference could not cover. Deterministic for given inputs: no timings, no absolute paths, keys sorted.
 *
 * @param info           kind, precision, provenance and file digests of the artifact
 * @param reference      where the expected values came from
 * @param results        the comparison figures by section
 * @param comparisons    one row per comparison ({@code fixture_comparisons})
 * @param gates          every gate applied
 * @param coverage       every comparison that applies to this kind, covered or not
 * @param firstNonFinite the first op whose output went non-finite, or null
 * @param fp16Headroom   per-op FP16 headroom over the validation inputs; null for a package without fp16 ops
 */
public record ArtifactReport(PackageInfo info, ReferenceInfo reference, Map<String, Object> results,
                             List<FixtureComparison> comparisons, List<Gate> gates, List<Coverage> coverage,
                             String firstNonFinite, HeadroomReport fp16Headroom) {
    public static final String SCHEMA = "mrt2-validation-receipt-v2";

    /** Passed: compared, every gate held. Failed: a gate failed (an unrecognised package fails one). */
    public enum Status { PASSED, FAILED, NOT_COVERED }

    public ArtifactReport {
        results = new TreeMap<>(results);
        comparisons = List.copyOf(comparisons);
        gates = List.copyOf(gates);
        coverage = List.copyOf(coverage);
    }

    /** Never "passed" with zero gates: a package nothing could check is not covered (or, unrecognised, failed). */
    public Status status() {
        if (gates.stream().anyMatch(g -> !g.passed())) {
            return Status.FAILED;
        }
        return gates.isEmpty() || coverage.stream().noneMatch(Coverage::covered) ? Status.NOT_COVERED : Status.PASSED;
    }

    public boolean passed() {
        return status() == Status.PASSED;
    }

    public List<Gate> failedGates() {
        return gates.stream().filter(g -> !g.passed()).toList();
    }

    public List<Coverage> uncovered() {
        return coverage.stream().filter(c -> !c.covered()).toList();
    }

    /**
     * The package's line: {@code X: passed (7 gates)}, {@code X: FAILED: <figure>}, or
     * {@code X: not covered by these fixtures (<fixture>: <why>)}.
     */
    public String line() {
        String a = info.artifact();
        return switch (status()) {
            case PASSED -> a + ": passed (" + gates.size() + " gates" + (uncovered().isEmpty() ? ""
                    : "; not covered: " + String.join(", ", uncovered().stream().map(Coverage::check).toList()))
                    + ")";
            case FAILED -> {
                List<Gate> failed = failedGates();
                Gate g = failed.get(0);
                yield a + ": FAILED: " + g.line().substring(a.length() + 2) + (failed.size() > 1
                        ? " (and " + (failed.size() - 1) + " more failed gate(s))" : "");
            }
            case NOT_COVERED -> a + ": not covered by this reference ("
                    + String.join("; ", uncovered().stream().map(c -> c.fixture() + " would cover the " + c.check()
                    + (c.note() == null ? "" : ": " + c.note())).toList()) + ")";
        };
    }

    public Map<String, Object> json() {
        Map<String, Object> m = new TreeMap<>();
        m.put("schema", SCHEMA);
        m.put("artifact", info.artifact());
        m.put("kind", info.kind().name().toLowerCase(Locale.ROOT));
        m.put("precision", info.precision());
        m.put("package_files_sha256", info.files());
        m.put("package_source_checkpoint_sha256", info.sourceSha256());
        m.put("reference", reference);
        m.put("status", status().name().toLowerCase(java.util.Locale.ROOT));
        m.put("passed", passed());
        m.put("results", results);
        m.put("gates", gates);
        m.put("fixture_comparisons", comparisons);
        m.put("coverage", coverage);
        m.put("first_non_finite_op", firstNonFinite);
        if (fp16Headroom != null) {
            m.put("fp16_headroom", fp16Headroom.json());
        }
        return m;
    }
}
