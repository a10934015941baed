package dev.mrt2.mil.exec;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Wall times of repeated calls, for the {@code scripts/bench*} mains (timings never live in unit tests). Warm-up is
 * the caller's: run the same calls through {@link #time} once more and drop the result.
 *
 * @param millis one entry per timed call, in call order
 */
public record BenchSamples(double[] millis) {
    public BenchSamples {
        millis = millis.clone();
    }

    /** Times {@code calls} calls of {@code call}, which receives the 0-based call index (a streaming step, say). */
    public static BenchSamples time(int calls, IntConsumer call) {
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            call.accept(i);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return new BenchSamples(ms);
    }

    public int count() {
        return millis.length;
    }

    /** The upper median (the middle of the sorted samples; for an even count, the larger middle one); NaN if none. */
    public double median() {
        if (millis.length == 0) {
            return Double.NaN;
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The fastest call; NaN if none. */
    public double min() {
        return Arrays.stream(millis).min().orElse(Double.NaN);
    }
}
