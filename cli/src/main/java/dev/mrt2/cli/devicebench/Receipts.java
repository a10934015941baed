package dev.mrt2.cli.devicebench;

import dev.mrt2.cli.devicebench.BenchResults.FirstNonFinite;
import dev.mrt2.convert.SortedJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code device_bench.json} (schema {@value #SCHEMA}) and {@code device_bench.md}. Both depend only on the
 * results file and the resolved target, never on the clock, so the same results give the same bytes. Each file is
 * written to a temporary sibling and renamed into place.
 */
public final class Receipts {

    public static final String SCHEMA = "mrt2-device-bench-receipt-v1";
    public static final String JSON_NAME = "device_bench.json";
    public static final String MD_NAME = "device_bench.md";
    public static final String TOOL = "mrt2 0.1.0";
    public static final String PERCENTILE_DEFINITION =
            "nearest-rank: the p-th percentile of n sorted latencies is the k-th smallest, k = ceil(p*n/100)";

    private Receipts() {
    }

    public static BenchReport write(Path outDir, BenchTarget target, BenchResults results, String resultsSha256,
                                    double budgetMs, List<RunSummary> summaries) {
        return write(outDir, target, results, resultsSha256, budgetMs, summaries, null);
    }

    /** @param fixture the fixture comparison of {@code --fixtures}, or null */
    public static BenchReport write(Path outDir, BenchTarget target, BenchResults results, String resultsSha256,
                                    double budgetMs, List<RunSummary> summaries, FixtureReport fixture) {
        Path json = outDir.resolve(JSON_NAME);
        Path md = outDir.resolve(MD_NAME);
        BenchReport report = new BenchReport(target, results, resultsSha256, budgetMs, summaries, json, md, fixture);
        try {
            Files.createDirectories(outDir);
            writeAtomically(json, json(report));
            writeAtomically(md, markdown(report));
        } catch (IOException e) {
            throw new UncheckedIOException(outDir + ": cannot write receipts: " + e.getMessage(), e);
        }
        return report;
    }

    /** The JSON receipt in the house format ({@link SortedJson}: keys sorted, two-space indent, trailing newline). */
    public static String json(BenchReport r) {
        Map<String, Object> root = new TreeMap<>();
        root.put("schema", SCHEMA);
        root.put("tool", TOOL);
        root.put("target", r.target().toJson());
        BenchResults.Runner runner = r.results().runner();
        root.put("runner", map("app_version", runner.appVersion(), "platform", runner.platform(),
                "os_version", runner.osVersion(), "hardware_model", runner.hardwareModel()));
        BenchResults.Request q = r.results().request();
        Map<String, Object> settings = new TreeMap<>();
        settings.put("models", q.models());
        settings.put("compute_units", q.computeUnits());
        settings.put("frames", q.frames());
        settings.put("warmups", q.warmups());
        settings.put("repeats", q.repeats());
        settings.put("seed", q.seed());
        settings.put("budget_ms", r.budgetMs());
        settings.put("percentiles", PERCENTILE_DEFINITION);
        root.put("settings", settings);
        root.put("results_sha256", r.resultsSha256());
        List<Object> runs = new ArrayList<>();
        for (RunSummary s : r.summaries()) {
            runs.add(runJson(s));
        }
        root.put("runs", runs);
        Map<String, Object> verdict = new TreeMap<>();
        verdict.put("runs", r.summaries().size());
        verdict.put("failed_runs", r.failedRuns().size());
        verdict.put("non_finite_runs", r.nonFiniteRuns().size());
        verdict.put("runs_with_calls_over_budget",
                r.summaries().stream().filter(s -> s.latency() != null && s.latency().overBudget() > 0).count());
        boolean fixturePassed = r.fixture() == null || r.fixture().failedGates().isEmpty();
        verdict.put("passed", r.failedRuns().isEmpty() && r.nonFiniteRuns().isEmpty() && fixturePassed);
        if (r.fixture() != null) {
            FixtureReport f = r.fixture();
            verdict.put("fixture_gates_failed", f.failedGates().size());
            Map<String, Object> fixture = new TreeMap<>();
            fixture.put("fixture", f.fixture());
            fixture.put("source", f.source());
            fixture.put("steps", f.steps());
            fixture.put("gates", f.gates());
            root.put("fixture", fixture);
            root.put("fixture_comparisons", f.comparisons());
            settings.put("fixture", q.fixture());
        }
        root.put("verdict", verdict);
        return SortedJson.write(root);
    }

    private static Map<String, Object> runJson(RunSummary s) {
        Map<String, Object> m = new TreeMap<>();
        m.put("model", s.model());
        m.put("compute_units", s.computeUnits());
        m.put("kind", s.kind());
        m.put("status", s.status());
        m.put("error", s.error());
        m.put("load_ms", s.loadMs());
        if (s.latency() != null) {
            LatencyStats l = s.latency();
            m.put("calls", l.calls());
            m.put("p50_ms", l.p50Ms());
            m.put("p90_ms", l.p90Ms());
            m.put("p99_ms", l.p99Ms());
            m.put("max_ms", l.maxMs());
            m.put("mean_ms", round(l.meanMs()));
            m.put("calls_over_budget", l.overBudget());
        } else {
            m.put("calls", 0);
        }
        Map<String, Object> plan = new TreeMap<>();
        plan.put("available", s.computePlanAvailable());
        if (s.computePlanAvailable()) {
            plan.put("op_counts", s.opCounts());
            plan.put("op_share", rounded(s.opShare()));
            plan.put("cost_share", rounded(s.costShare()));
        }
        m.put("compute_plan", plan);
        Map<String, Object> outputs = new TreeMap<>();
        outputs.put("values_checked", s.valuesChecked());
        outputs.put("non_finite_values", s.nonFiniteValues());
        outputs.put("finite_ratio", s.finiteRatio() == null ? null : round(s.finiteRatio()));
        FirstNonFinite f = s.firstNonFinite();
        outputs.put("first_non_finite", f == null ? null
                : map("call", f.call(), "output", f.output(), "warmup", f.warmup()));
        m.put("outputs", outputs);
        return m;
    }

    /** The Markdown receipt: one table row per model and compute-unit setting. */
    public static String markdown(BenchReport r) {
        BenchResults.Request q = r.results().request();
        BenchResults.Runner runner = r.results().runner();
        StringBuilder b = new StringBuilder();
        b.append("# mrt2 device-bench\n\n");
        b.append("- Target: ").append(r.target().describe()).append('\n');
        b.append("- Runner: mrt2-bench ").append(runner.appVersion()).append(" on ").append(runner.platform())
                .append(' ').append(runner.osVersion()).append(" (").append(runner.hardwareModel()).append(")\n");
        b.append("- Calls: ").append(q.frames()).append(" timed x ").append(q.repeats()).append(" repeat(s), after ")
                .append(q.warmups()).append(" warm-up(s) each; seed ").append(q.seed()).append('\n');
        b.append("- Budget: ").append(fmt(r.budgetMs())).append(" ms per call (one 25 Hz frame); percentiles are ")
                .append(PERCENTILE_DEFINITION).append('\n');
        b.append("- Results file sha256: `").append(r.resultsSha256()).append("`\n\n");
        b.append("| model | compute units | status | calls | p50 ms | p90 ms | p99 ms | max ms | over budget "
                + "| ops ANE/GPU/CPU | cost ANE/GPU/CPU | finite ratio |\n");
        b.append("|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
        for (RunSummary s : r.summaries()) {
            LatencyStats l = s.latency();
            b.append("| ").append(s.model())
                    .append(" | ").append(s.computeUnits())
                    .append(" | ").append(s.status())
                    .append(" | ").append(l == null ? "0" : Integer.toString(l.calls()))
                    .append(" | ").append(l == null ? "-" : fmt(l.p50Ms()))
                    .append(" | ").append(l == null ? "-" : fmt(l.p90Ms()))
                    .append(" | ").append(l == null ? "-" : fmt(l.p99Ms()))
                    .append(" | ").append(l == null ? "-" : fmt(l.maxMs()))
                    .append(" | ").append(l == null ? "-" : Integer.toString(l.overBudget()))
                    .append(" | ").append(opsCell(s))
                    .append(" | ").append(costCell(s))
                    .append(" | ").append(s.finiteRatio() == null ? "-" : String.format(Locale.ROOT, "%.6f",
                            s.finiteRatio()))
                    .append(" |\n");
        }
        if (r.fixture() != null) {
            b.append("\n## Fixture comparisons (").append(r.fixture().fixture()).append(", ")
                    .append(r.fixture().source()).append(", ").append(r.fixture().steps()).append(" steps)\n\n");
            r.fixture().comparisons().forEach(c -> b.append("- ").append(c.line()).append('\n'));
            r.fixture().failedGates().forEach(g -> b.append("- ").append(g.line()).append(" (").append(g.why())
                    .append(")\n"));
        }
        List<RunSummary> problems = new ArrayList<>(r.failedRuns());
        r.nonFiniteRuns().stream().filter(s -> !problems.contains(s)).forEach(problems::add);
        if (!problems.isEmpty()) {
            b.append("\n## Problems\n\n");
            for (RunSummary s : problems) {
                b.append("- ").append(problemLine(s)).append('\n');
            }
        }
        return b.toString();
    }

    /** One line naming what went wrong in a run; used by the receipts and by the command's error line. */
    public static String problemLine(RunSummary s) {
        if (!"ok".equals(s.status())) {
            return s.model() + " (" + s.computeUnits() + ") failed in the runner: " + s.error();
        }
        FirstNonFinite f = s.firstNonFinite();
        return s.model() + " (" + s.computeUnits() + ") produced " + s.nonFiniteValues()
                + " non-finite output values of " + s.valuesChecked() + ", first in '" + f.output() + "' at call "
                + f.call() + (f.warmup() ? " (a warm-up)" : "");
    }

    private static String opsCell(RunSummary s) {
        if (!s.computePlanAvailable()) {
            return "n/a";
        }
        List<String> parts = new ArrayList<>();
        for (String d : RunSummary.DEVICES) {
            parts.add(s.opCounts().get(d) + " (" + pct(s.opShare().get(d)) + ")");
        }
        return String.join(" / ", parts);
    }

    private static String costCell(RunSummary s) {
        if (!s.computePlanAvailable()) {
            return "n/a";
        }
        List<String> parts = new ArrayList<>();
        for (String d : RunSummary.DEVICES) {
            parts.add(pct(s.costShare().get(d)));
        }
        return String.join(" / ", parts);
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** Derived ratios are rounded to 6 decimals so the receipt does not show float noise such as 0.30000000000000004. */
    private static double round(double v) {
        return new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).doubleValue();
    }

    private static Map<String, Double> rounded(Map<String, Double> shares) {
        Map<String, Double> m = new TreeMap<>();
        shares.forEach((k, v) -> m.put(k, round(v)));
        return m;
    }

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
