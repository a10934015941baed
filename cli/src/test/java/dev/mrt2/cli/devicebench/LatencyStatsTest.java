package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void nearestRankOnOneToHundredPicksTheRankItself() {
        List<Double> ms = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            ms.add((double) i); // descending: the statistic must sort
        }
        LatencyStats s = LatencyStats.of(ms, 40.0);
        assertEquals(50.0, s.p50Ms(), "p50 of 1..100 is the 50th smallest");
        assertEquals(90.0, s.p90Ms(), "p90 of 1..100 is the 90th smallest");
        assertEquals(99.0, s.p99Ms(), "p99 of 1..100 is the 99th smallest");
        assertEquals(100.0, s.maxMs());
        assertEquals(50.5, s.meanMs(), 1e-12);
        assertEquals(60, s.overBudget(), "41..100 are over 40 ms");
    }

    @Test
    void rankRoundsUpSoSmallSamplesReportTheirTail() {
        double[] ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5.0, LatencyStats.percentile(ten, 50), "ceil(0.5 * 10) = 5");
        assertEquals(9.0, LatencyStats.percentile(ten, 90), "ceil(0.9 * 10) = 9");
        assertEquals(10.0, LatencyStats.percentile(ten, 99), "ceil(0.99 * 10) = 10: p99 of ten calls is the max");
        double[] three = {1, 2, 3};
        assertEquals(2.0, LatencyStats.percentile(three, 50), "ceil(1.5) = 2");
        assertEquals(3.0, LatencyStats.percentile(three, 90), "ceil(2.7) = 3");
    }

    @Test
    void oneCallIsEveryPercentile() {
        LatencyStats s = LatencyStats.of(List.of(14.148), 40.0);
        assertEquals(14.148, s.p50Ms());
        assertEquals(14.148, s.p99Ms());
        assertEquals(14.148, s.maxMs());
        assertEquals(0, s.overBudget());
    }

    @Test
    void budgetCountsOnlyCallsStrictlySlower() {
        LatencyStats s = LatencyStats.of(List.of(39.999, 40.0, 40.001, 80.0), 40.0);
        assertEquals(2, s.overBudget(), "exactly 40 ms fits the frame; 40.001 does not");
    }

    @Test
    void percentileIsAlwaysAMeasuredValueAndMonotone() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(300);
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ms.add(Math.round(random.nextDouble() * 50_000) / 1000.0);
            }
            LatencyStats s = LatencyStats.of(ms, 40.0);
            List<Double> sorted = new ArrayList<>(ms);
            Collections.sort(sorted);
            // Nearest rank, stated independently: the smallest k with k/n >= 0.99.
            int k = 1;
            while (100 * k < 99 * n) {
                k++;
            }
            assertEquals(sorted.get(k - 1), s.p99Ms(), "p99 rank for n=" + n);
            assertEquals(true, sorted.contains(s.p50Ms()));
            assertEquals(true, s.p50Ms() <= s.p90Ms() && s.p90Ms() <= s.p99Ms() && s.p99Ms() <= s.maxMs());
        }
    }

    @Test
    void rejectsEmptyAndOutOfRangePercentiles() {
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(List.of(), 40.0));
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.percentile(new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.percentile(new double[] {1}, 101));
    }
}
