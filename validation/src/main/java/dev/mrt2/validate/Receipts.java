package dev.mrt2.validate;

import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.validate.headroom.HeadroomReport;
import dev.mrt2.validate.headroom.OpHeadroom;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.TokenMismatches;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@code <artifact>_validation.json} (the report, sorted keys) and {@code <artifact>_validation.md} (a summary). */
final class Receipts {
    private Receipts() {}

    static List<Path> write(Path dir, ArtifactReport report) {
        String base = report.info().artifact() + "_validation";
        Path json = dir.resolve(base + ".json");
        Path md = dir.resolve(base + ".md");
        AtomicFile.write(json, SortedJson.write(report.json()).getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(md, markdown(report).getBytes(StandardCharsets.UTF_8));
        return List.of(json, md);
    }

    static String markdown(ArtifactReport r) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(r.info().artifact()).append(" validation\n\n");
        s.append("- Result: **").append(r.passed() ? "passed" : "FAILED").append("**\n");
        s.append("- Kind: ").append(r.info().kind().name().toLowerCase(Locale.ROOT)).append(", precision ")
                .append(r.info().precision()).append('\n');
        s.append("- Checkpoint: `").append(r.checkpoint()).append("` sha256 `").append(r.checkpointSha256())
                .append("`\n");
        s.append("- Reference: ").append(r.referenceSource()).append(", seed ").append(r.seed()).append('\n');
        s.append("- First non-finite op: ").append(r.firstNonFinite() == null ? "none" : "`" + r.firstNonFinite() + "`")
                .append("\n\n");
        s.append("## Figures\n\n| Figure | Value |\n| --- | ---: |\n");
        figures(s, "", r.results());
        s.append("\n## Gates\n\n| Figure | Value | Rule | Result |\n| --- | ---: | --- | --- |\n");
        for (Gate g : r.gates()) {
            s.append("| ").append(g.figure()).append(" | ").append(g.value()).append(" | ").append(g.rule())
                    .append(' ').append(g.threshold()).append(" | ").append(g.passed() ? "passed" : "FAILED")
                    .append(" |\n");
        }
        if (r.fp16Headroom() != null) {
            fp16Headroom(s, r.fp16Headroom());
        }
        s.append("\n## Package files\n\n| File | SHA-256 |\n| --- | --- |\n");
        r.info().files().forEach((f, sha) -> s.append("| `").append(f).append("` | `").append(sha).append("` |\n"));
        return s.toString();
    }

    /** The ops with the least headroom; the full table is in the JSON receipt. */
    private static void fp16Headroom(StringBuilder s, HeadroomReport h) {
        s.append("\n## FP16 headroom\n\n").append(h.worst(HeadroomReport.SUMMARY_OPS).size()).append(" of ")
                .append(h.ops().size()).append(" fp16 ops with the least headroom below ")
                .append((int) OpHeadroom.FP16_MAX).append(" (").append(h.flaggedOps())
                .append(" flagged non-finite; every op in the JSON receipt).\n\n")
                .append("| Op | Type | Max abs | Headroom |\n| --- | --- | ---: | ---: |\n");
        for (OpHeadroom o : h.worst(HeadroomReport.SUMMARY_OPS)) {
            s.append("| `").append(o.op()).append("` | ").append(o.type()).append(" | ").append(o.maxAbsText())
                    .append(" | ").append(o.headroomText()).append(" |\n");
        }
    }

    /** Headline numbers only: comparisons and token counts, not per-step lists. */
    private static void figures(StringBuilder s, String prefix, Map<String, Object> section) {
        for (Map.Entry<String, Object> e : section.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Comparison c) {
                s.append("| ").append(key).append(" correlation | ").append(c.correlation()).append(" |\n");
                s.append("| ").append(key).append(" max abs error | ").append(c.maxAbsError()).append(" |\n");
                s.append("| ").append(key).append(" mean abs error | ").append(c.meanAbsError()).append(" |\n");
                s.append("| ").append(key).append(" SNR dB | ").append(c.snrDb()).append(" |\n");
                s.append("| ").append(key).append(" finite ratio | ").append(c.finiteRatio()).append(" |\n");
                if (c.logSpectralDistanceDb() != null) {
                    s.append("| ").append(key).append(" LSD dB | ").append(c.logSpectralDistanceDb()).append(" |\n");
                }
            } else if (v instanceof TokenMismatches t) {
                s.append("| ").append(key).append(" token mismatches | ").append(t.tokenMismatches()).append(" / ")
                        .append(t.totalTokens()).append(" |\n");
            } else if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) m;
                figures(s, key + ".", sub);
            } else if (v instanceof Number || v instanceof String) {
                s.append("| ").append(key).append(" | ").append(v).append(" |\n");
            }
        }
    }
}
