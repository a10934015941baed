package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSamplesTest {
    @Test
    void medianIsTheMiddleOfTheSortedSamplesAndMinTheFastest() {
        BenchSamples odd = new BenchSamples(new double[] {5, 1, 3});
        assertEquals(3, odd.median());
        assertEquals(1, odd.min());
        // Even count: the larger of the two middle samples, as ExecutorBench has always printed.
        BenchSamples even = new BenchSamples(new double[] {4, 1, 3, 2});
        assertEquals(3, even.median());
        assertEquals(1, even.min());
    }

    @Test
    void samplesKeepCallOrderAndAreNotShared() {
        double[] ms = {9, 7, 8};
        BenchSamples s = new BenchSamples(ms);
        ms[0] = 0;
        s.median();
        assertArrayEquals(new double[] {9, 7, 8}, s.millis());
    }

    @Test
    void noSamplesGiveNaN() {
        BenchSamples none = BenchSamples.time(0, i -> { throw new AssertionError("no call expected"); });
        assertEquals(0, none.count());
        assertTrue(Double.isNaN(none.median()));
        assertTrue(Double.isNaN(none.min()));
    }

    @Test
    void timeCallsOncePerIndexInOrderAndMeasuresTheCall() {
        List<Integer> seen = new ArrayList<>();
        BenchSamples s = BenchSamples.time(3, i -> {
            seen.add(i);
            long until = System.nanoTime() + 2_000_000;   // at least 2 ms per call
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        assertEquals(List.of(0, 1, 2), seen);
        assertEquals(3, s.count());
        assertTrue(s.min() >= 2, () -> "min " + s.min() + " ms < the 2 ms each call spins");
    }
}
