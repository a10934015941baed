package dev.mrt2.cli.devicebench;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a run that produced results: the summaries and where the receipts are.
 *
 * @param target        what it ran on
 * @param results       the parsed results file
 * @param resultsSha256 sha256 of the results file as pulled
 * @param budgetMs      per-call budget used for "over budget"
 * @param summaries     one per (model, compute units), in the results' order
 * @param receiptJson   device_bench.json
 * @param receiptMd     device_bench.md
 * @param fixture       the fixture comparison ({@code --fixtures}), or null
 */
public record BenchReport(BenchTarget target, BenchResults results, String resultsSha256, double budgetMs,
                          List<RunSummary> summaries, Path receiptJson, Path receiptMd, FixtureReport fixture) {

    public BenchReport {
        summaries = List.copyOf(summaries);
    }

    public List<RunSummary> failedRuns() {
        return summaries.stream().filter(s -> !"ok".equals(s.status())).toList();
    }

    public List<RunSummary> nonFiniteRuns() {
        return summaries.stream().filter(s -> s.nonFiniteValues() > 0).toList();
    }
}
