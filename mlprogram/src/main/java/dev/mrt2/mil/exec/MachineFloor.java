package dev.mrt2.mil.exec;

import java.util.stream.IntStream;

/**
 * This machine's limits as the JVM kernels meet them, measured in the benchmark's own run (so load from other work
 * lowers floor and result alike): read bandwidth, streaming more rows than any cache holds in the loop of a one-row
 * linear layer ({@link Axpy#four}, four rows a pass, as {@link PanelGemm} streams a panel), and the GEMM peak, the
 * same loop on rows that stay in L1. Both use every core.
 *
 * @param bandwidthBytesPerSecond best of several passes
 * @param peakFlopsPerSecond      best of several passes
 */
record MachineFloor(double bandwidthBytesPerSecond, double peakFlopsPerSecond) {
    /**
     * Floats per row: the widest panel a streaming step reads on two cores (a 4096-output layer). One row a pass, the
     * measure until 2026-12, keeps each core to one stream: 24.6 GB/s on this project's 2-core Zen 5 VM in a sitting
     * where C read 43 GB/s four rows a pass (scripts/bench/native-peer.c), so the floors it gave were too lenient.
     */
    private static final int ROW = 2048;

    static MachineFloor measure(long bandwidthBytes) {
        return new MachineFloor(bandwidth(bandwidthBytes), peak());
    }

    /** Bytes per second of {@code s[j] += a0·b0[j] + … + a3·b3[j]} over {@code bytes} of rows, split over the cores. */
    private static double bandwidth(long bytes) {
        int rows = Math.toIntExact(bytes / (4L * ROW)) / 4 * 4;
        float[][] b = new float[rows][ROW];
        for (float[] r : b) java.util.Arrays.fill(r, 1f);
        int threads = Runtime.getRuntime().availableProcessors();
        double best = 0;
        for (int pass = 0; pass < 6; pass++) {
            long t0 = System.nanoTime();
            IntStream.range(0, threads).parallel().forEach(t -> {
                float[] s = new float[ROW];
                int from = t * (rows / 4) / threads * 4;
                int to = (t + 1) * (rows / 4) / threads * 4;
                for (int r = from; r < to; r += 4) {
                    Axpy.four(s, 0.5f, b[r], 0.25f, b[r + 1], 0.125f, b[r + 2], 0.0625f, b[r + 3], ROW);
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
