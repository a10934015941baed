package dev.mrt2.cli.devicebench;

import dev.mrt2.cli.devicebench.BenchResults.ComputePlan;
import dev.mrt2.cli.devicebench.BenchResults.FirstNonFinite;
import dev.mrt2.cli.devicebench.BenchResults.ModelRun;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the receipts report for one model under one compute-unit setting.
 *
 * @param latency     statistics of the timed calls; null when the run failed before any call
 * @param opCounts    operations by preferred device ("neural_engine", "gpu", "cpu"); empty without a compute plan
 * @param opShare     each device's fraction of the operations placed on some device
 * @param costShare   each device's fraction of the summed estimated cost
 * @param finiteRatio finite output values / values checked; null when nothing was checked
 */
public record RunSummary(
        String model,
        String computeUnits,
        String kind,
        String status,
        String error,
        Double loadMs,
        LatencyStats latency,
        boolean computePlanAvailable,
        Map<String, Long> opCounts,
        Map<String, Double> opShare,
        Map<String, Double> costShare,
        long valuesChecked,
        long nonFiniteValues,
        Double finiteRatio,
        FirstNonFinite firstNonFinite) {

    /** The three compute devices of MLComputePlan, in the order the receipts show them. */
    public static final List<String> DEVICES = List.of("neural_engine", "gpu", "cpu");

    public static RunSummary of(ModelRun run, double budgetMs) {
        LatencyStats latency = run.latenciesMs().isEmpty() ? null : LatencyStats.of(run.latenciesMs(), budgetMs);
        ComputePlan plan = run.computePlan();
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Double> opShare = new TreeMap<>();
        Map<String, Double> costShare = new TreeMap<>();
        if (plan.available()) {
            long placed = 0;
            double cost = 0;
            for (String d : DEVICES) {
                long n = plan.ops().getOrDefault(d, 0L);
                counts.put(d, n);
                placed += n;
                cost += plan.cost().getOrDefault(d, 0.0);
            }
            for (String d : DEVICES) {
                opShare.put(d, placed == 0 ? 0.0 : (double) counts.get(d) / placed);
                // Core ML's weights already sum to about 1; normalising keeps shares comparable across OS versions.
                costShare.put(d, cost == 0 ? 0.0 : plan.cost().getOrDefault(d, 0.0) / cost);
            }
        }
        long checked = run.outputs().valuesChecked();
        long nonFinite = run.outputs().nonFiniteValues();
        Double finite = checked == 0 ? null : (double) (checked - nonFinite) / checked;
        return new RunSummary(run.model(), run.computeUnits(), run.kind(), run.status(), run.error(), run.loadMs(),
                latency, plan.available(), counts, opShare, costShare, checked, nonFinite, finite,
                run.outputs().firstNonFinite());
    }
}
