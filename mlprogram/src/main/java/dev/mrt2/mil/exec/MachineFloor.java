package dev.mrt2.mil.exec;

import java.util.stream.IntStream;

/**
 * This machine's limits as the JVM kernels meet them, measured in the benchmark's own run (so load from other work
 * lowers floor and result alike): read bandwidth, streaming more rows than any cache holds in the loop shape of a
 * one-row linear layer, and the GEMM peak, {@link Axpy#four} on rows that stay in L1. Both use every core.
 *
 * @param bandwidthBytesPerSecond best of several passes
 * @param peakFlopsPerSecond      best of several passes
 */
record MachineFloor(double bandwidthBytesPerSecond, double peakFlopsPerSecond) {
    private static final int ROW = 4096;

    static MachineFloor measure(long bandwidthBytes) {
        return new MachineFloor(bandwidth(bandwidthBytes), peak());
    }

    /** Bytes per second of {@code s[j] += a·b[j]} over {@code bytes} of rows, rows split over the cores. */
    private static double bandwidth(long bytes) {
        int rows = Math.toIntExact(bytes / (4L * ROW));
        float[][] b = new float[rows][ROW];
        for (float[] r : b) java.util.Arrays.fill(r, 1f);
        int threads = Runtime.getRuntime().availableProcessors();
        double best = 0;
        for (int pass = 0; pass < 6; pass++) {
            long t0 = System.nanoTime();
            IntStream.range(0, threads).parallel().forEach(t -> {
                float[] s = new float[ROW];
                for (int r = t * rows / threads; r < (t + 1) * rows / threads; r++) {
                    Axpy.one(s, 0.5f, b[r], ROW);
                }
                if (s[0] == 42) System.out.print("");   // keeps the sums live
            });
            best = Math.max(best, 4.0 * rows * ROW / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }

    /** Flops per second of {@link Axpy#four} on 512-wide rows in L1, one stream per core. */
    private static double peak() {
        int threads = Runtime.getRuntime().availableProcessors();
        int width = 512;
        int calls = 200_000;
        double best = 0;
        for (int pass = 0; pass < 5; pass++) {
            long t0 = System.nanoTime();
            IntStream.range(0, threads).parallel().forEach(t -> {
                float[] s = new float[width];
                float[][] r = new float[4][width];
                for (int i = 0; i < calls; i++) {
                    Axpy.four(s, 1e-3f, r[0], 2e-3f, r[1], 3e-3f, r[2], 4e-3f, r[3], width);
                }
                if (s[0] == 42) System.out.print("");
            });
            best = Math.max(best, 8.0 * width * calls * threads / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }
}
