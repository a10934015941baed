package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Statistics computed from the recorded results files, checked against numbers worked out by hand. */
class RunSummaryTest {

    private static List<RunSummary> summaries(String fixture) {
        return ResultsParser.parse(Fixtures.file(fixture)).runs().stream()
                .map(run -> RunSummary.of(run, LatencyStats.FRAME_BUDGET_MS)).toList();
    }

    @Test
    void temporalOnTheNeuralEngine() {
        RunSummary s = summaries("results-iphone-ok.json").get(2);
        assertEquals("MRT2TemporalBody", s.model());
        assertEquals("cpuAndNeuralEngine", s.computeUnits());
        // sorted: 13.8 13.85 13.9 13.95 14.0 14.05 14.1 14.148 14.2 41.2
        assertEquals(10, s.latency().calls());
        assertEquals(14.0, s.latency().p50Ms(), "5th of 10");
        assertEquals(14.2, s.latency().p90Ms(), "9th of 10");
        assertEquals(41.2, s.latency().p99Ms(), "10th of 10");
        assertEquals(41.2, s.latency().maxMs());
        assertEquals(1, s.latency().overBudget(), "only the 41.2 ms call misses the 40 ms frame");
        assertEquals(16.7198, s.latency().meanMs(), 1e-9);
        assertEquals(697L, s.opCounts().get("neural_engine"));
        assertEquals(579L, s.opCounts().get("cpu"));
        assertEquals(697.0 / 1276, s.opShare().get("neural_engine"), 1e-12, "constants ('none') are not placed");
        assertEquals(0.704, s.costShare().get("neural_engine"), 1e-12);
        assertEquals(0.296, s.costShare().get("cpu"), 1e-12);
        assertEquals(1.0, s.finiteRatio());
    }

    @Test
    void depthOnTheGpuKeepsItsCostSplit() {
        RunSummary s = summaries("results-iphone-ok.json").get(1);
        // sorted: 5.02 5.05 5.07 5.08 5.09 5.11 5.12 5.15 5.2 5.31
        assertEquals(5.09, s.latency().p50Ms());
        assertEquals(5.2, s.latency().p90Ms());
        assertEquals(5.31, s.latency().maxMs());
        assertEquals(0, s.latency().overBudget());
        assertEquals(198.0 / 212, s.opShare().get("gpu"), 1e-12);
        assertEquals(0.93, s.costShare().get("gpu"), 1e-12);
    }

    @Test
    void nonFiniteRatioCountsEveryCheckedValue() {
        RunSummary s = summaries("results-iphone-nonfinite.json").get(5);
        long checked = 96L * 480 * 4 * 14;
        assertEquals(checked, s.valuesChecked());
        assertEquals(36864, s.nonFiniteValues());
        assertEquals(1.0 - 36864.0 / checked, s.finiteRatio(), 1e-15);
        assertEquals("decoder_stft", s.firstNonFinite().output());
    }

    @Test
    void failedRunHasNoLatencyAndNoPlan() {
        RunSummary s = summaries("results-iphone-failed-run.json").get(2);
        assertEquals("failed", s.status());
        assertNull(s.latency());
        assertFalse(s.computePlanAvailable());
        assertTrue(s.opCounts().isEmpty());
        assertNull(s.finiteRatio(), "nothing was checked");
    }

    @Test
    void macCpuRunPutsEverythingOnTheCpu() {
        RunSummary s = summaries("results-mac-ok.json").get(0);
        // sorted: 10.9 11.1 11.2 11.3 35.0
        assertEquals(11.2, s.latency().p50Ms(), "ceil(2.5) = 3rd of 5");
        assertEquals(35.0, s.latency().p90Ms(), "ceil(4.5) = 5th of 5");
        assertEquals(1.0, s.opShare().get("cpu"));
        assertEquals(0.0, s.opShare().get("neural_engine"));
    }
}
