package dev.mrt2.validate;

import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.validate.headroom.HeadroomReport;
import dev.mrt2.validate.headroom.OpHeadroom;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Figures;
import dev.mrt2.validate.metrics.TokenMismatches;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code <artifact>_validation.json} (the report, sorted keys) and {@code <artifact>_validation.md} (a
 * summary) per artifact, and {@code validation_summary.json} / {@code .md} for the run (the {@code --json}
 * document: every package's line and every {@code fixture_comparisons} row). Figures in Markdown have 12
 * significant digits, like the port's receipts.
 */
public final class Receipts {
    public static final String SUMMARY_SCHEMA = "mrt2-validation-summary-v1";
    public static final String SUMMARY = "validation_summary";
    /** The summary's files: {@code .json} and {@code .md}. */
    public static final int SUMMARY_FILES = 2;

    private Receipts() {}

    static List<Path> write(Path dir, ArtifactReport report) {
        String base = report.info().artifact() + "_validation";
        Path json = dir.resolve(base + ".json");
        Path md = dir.resolve(base + ".md");
        AtomicFile.write(json, SortedJson.write(report.json()).getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(md, markdown(report).getBytes(StandardCharsets.UTF_8));
        return List.of(json, md);
    }

    /** The run's summary pair; returns both paths. */
    public static List<Path> writeSummary(Path dir, Validator.Run run, boolean strict) {
        Path json = dir.resolve(SUMMARY + ".json");
        Path md = dir.resolve(SUMMARY + ".md");
        AtomicFile.write(json, SortedJson.write(run.json(strict)).getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(md, summaryMarkdown(run, strict).getBytes(StandardCharsets.UTF_8));
        return List.of(json, md);
    }

    static String summaryMarkdown(Validator.Run run, boolean strict) {
        StringBuilder s = new StringBuilder("# mrt2 validate\n\n");
        s.append("- Reference: ").append(run.reference().source()).append('\n');
        s.append("- Checkpoint: ").append(identity(run.reference())).append('\n');
        String verdict = run.verdict(strict);
        s.append("- Result: **").append(verdict == null ? "passed" : "FAILED: " + verdict).append("**\n\n");
        s.append("## Packages\n\n");
        run.reports().forEach(r -> s.append("- ").append(r.line()).append('\n'));
        s.append("\n## Fixture comparisons\n\n");
        run.comparisons().forEach(c -> s.append("- ").append(c.line()).append('\n'));
        return s.toString();
    }

    static String markdown(ArtifactReport r) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(r.info().artifact()).append(" validation\n\n");
        s.append("- Result: **").append(r.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append("**\n");
        s.append("- Kind: ").append(r.info().kind().name().toLowerCase(java.util.Locale.ROOT)).append(", precision ")
                .append(r.info().precision()).append('\n');
        s.append("- Reference: ").append(r.reference().source()).append("; checkpoint ").append(identity(r.reference()))
                .append('\n');
        s.append("- Package converted from checkpoint sha256: ")
                .append(r.info().sourceSha256() == null ? "unknown" : "`" + r.info().sourceSha256() + "`").append('\n');
        s.append("- First non-finite op: ").append(r.firstNonFinite() == null ? "none" : "`" + r.firstNonFinite() + "`")
                .append("\n\n");
        s.append("## Coverage\n\n");
        for (Coverage c : r.coverage()) {
            s.append("- ").append(c.check()).append(": ").append(c.covered() ? "covered by `" + c.fixture() + "`"
                    : "not covered (`" + c.fixture() + "`" + (c.note() == null ? "" : ": " + c.note()) + ")")
                    .append('\n');
        }
        s.append("\n## Fixture comparisons\n\n");
        r.comparisons().forEach(c -> s.append("- ").append(c.line()).append('\n'));
        s.append("\n## Figures\n\n| Figure | Value |\n| --- | ---: |\n");
        figures(s, "", r.results());
        s.append("\n## Gates\n\n| Figure | Fixture | Value | Rule | Result | Why |\n| --- | --- | ---: | --- | --- | --- |\n");
        for (Gate g : r.gates()) {
            s.append("| ").append(g.figure()).append(" | ").append(g.fixture() == null ? "" : g.fixture()).append(" | ")
                    .append(Figures.format(g.value())).append(" | ").append(g.rule()).append(' ')
                    .append(Figures.format(g.threshold())).append(" | ").append(g.passed() ? "passed" : "FAILED")
                    .append(" | ").append(g.why()).append(" |\n");
        }
        if (r.fp16Headroom() != null) {
            fp16Headroom(s, r.fp16Headroom());
        }
        s.append("\n## Package files\n\n| File | SHA-256 |\n| --- | --- |\n");
        r.info().files().forEach((f, sha) -> s.append("| `").append(f).append("` | `").append(sha).append("` |\n"));
        return s.toString();
    }

    private static String identity(ReferenceInfo r) {
        return r.checkpointSha256() == null ? "unknown (the fixtures name none)"
                : "`" + r.checkpoint() + "` sha256 `" + r.checkpointSha256() + "`" + (r.seed() == null ? ""
                : ", seed " + r.seed());
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
                row(s, key + " correlation", Figures.format(c.correlation()));
                row(s, key + " max abs error", Figures.format(c.maxAbsError()));
                row(s, key + " mean abs error", Figures.format(c.meanAbsError()));
                row(s, key + " SNR dB", Figures.format(c.snrDb()));
                row(s, key + " finite ratio", Figures.format(c.finiteRatio()));
                if (c.logSpectralDistanceDb() != null) {
                    row(s, key + " LSD dB", Figures.format(c.logSpectralDistanceDb()));
                }
            } else if (v instanceof TokenMismatches t) {
                row(s, key + " token mismatches", t.tokenMismatches() + " / " + t.totalTokens());
            } else if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) m;
                figures(s, key + ".", sub);
            } else if (v instanceof Double d) {
                row(s, key, Figures.format(d));
            } else if (v instanceof Number || v instanceof String || v instanceof Boolean) {
                row(s, key, String.valueOf(v));
            }
        }
    }

    private static void row(StringBuilder s, String key, String value) {
        s.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }
}
