package dev.mrt2.validate;

import dev.mrt2.validate.headroom.HeadroomReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One package's validation receipt: what was compared, every figure, every gate. Deterministic for given inputs: no
 * timings, no absolute paths, keys sorted.
 *
 * @param info             kind, precision and file digests of the package
 * @param checkpoint       the checkpoint's file name
 * @param checkpointSha256 its SHA-256 (from the fixtures' manifest under --skip-reference)
 * @param packageSource    the checkpoint SHA-256 the package's metadata names, or null
 * @param seed             the run's seed
 * @param referenceSource  {@code checkpoint} or {@code fixtures}
 * @param results          the comparison figures by section
 * @param gates            every gate applied
 * @param firstNonFinite   the first op whose output went non-finite, or null
 * @param fp16Headroom     per-op FP16 headroom over the validation inputs; null for a package without fp16 ops
 */
public record ArtifactReport(PackageInfo info, String checkpoint, String checkpointSha256, String packageSource,
                             long seed, String referenceSource, Map<String, Object> results, List<Gate> gates,
                             String firstNonFinite, HeadroomReport fp16Headroom) {
    public static final String SCHEMA = "mrt2-validation-receipt-v1";

    public ArtifactReport {
        results = new TreeMap<>(results);
        gates = List.copyOf(gates);
    }

    public boolean passed() {
        return gates.stream().allMatch(Gate::passed);
    }

    public List<Gate> failedGates() {
        return gates.stream().filter(g -> !g.passed()).toList();
    }

    public Map<String, Object> json() {
        Map<String, Object> m = new TreeMap<>();
        m.put("schema", SCHEMA);
        m.put("artifact", info.artifact());
        m.put("kind", info.kind().name().toLowerCase(Locale.ROOT));
        m.put("precision", info.precision());
        m.put("package_files_sha256", info.files());
        m.put("checkpoint", checkpoint);
        m.put("checkpoint_sha256", checkpointSha256);
        m.put("package_source_checkpoint_sha256", packageSource);
        m.put("seed", seed);
        m.put("reference", referenceSource);
        m.put("results", results);
        m.put("gates", gates);
        m.put("passed", passed());
        m.put("first_non_finite_op", firstNonFinite);
        if (fp16Headroom != null) {
            m.put("fp16_headroom", fp16Headroom.json());
        }
        return m;
    }
}
