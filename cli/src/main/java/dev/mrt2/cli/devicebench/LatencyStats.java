package dev.mrt2.cli.devicebench;

import java.util.Arrays;
import java.util.List;

/**
 * Latency statistics of one run. Percentiles use the nearest-rank definition: the p-th percentile of n sorted
 * latencies is the k-th smallest with k = ceil(p * n / 100), so it is always a latency that was measured (p50 of
 * 100 calls is the 50th smallest, p99 the 99th, p100 the maximum; with n = 1 every percentile is that one call).
 * The Swift runner prints the same definition, so its console and the receipts agree.
 *
 * @param calls      number of timed calls
 * @param p50Ms      median latency
 * @param p90Ms      90th percentile
 * @param p99Ms      99th percentile
 * @param maxMs      slowest call
 * @param meanMs     arithmetic mean
 * @param overBudget calls strictly slower than the budget
 * @param budgetMs   the budget they were compared with
 */
public record LatencyStats(int calls, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs,
                           int overBudget, double budgetMs) {

    /** One token frame at 25 Hz: the real-time budget of a frame. */
    public static final double FRAME_BUDGET_MS = 40.0;

    public static LatencyStats of(List<Double> latenciesMs, double budgetMs) {
        if (latenciesMs.isEmpty()) {
            throw new IllegalArgumentException("no latencies");
        }
        double[] sorted = latenciesMs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        double sum = 0;
        int over = 0;
        for (double ms : sorted) {
            sum += ms;
            if (ms > budgetMs) {
                over++;
            }
        }
        return new LatencyStats(sorted.length, percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99), sorted[sorted.length - 1], sum / sorted.length, over, budgetMs);
    }

    /** Nearest-rank percentile of an ascending array, {@code 0 < p <= 100}. */
    public static double percentile(double[] sorted, int p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        long rank = ((long) p * sorted.length + 99) / 100; // ceil(p * n / 100) in integers: no rounding surprises
        return sorted[(int) Math.max(1, rank) - 1];
    }
}
