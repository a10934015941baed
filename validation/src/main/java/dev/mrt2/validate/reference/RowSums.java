package dev.mrt2.validate.reference;

import java.util.stream.IntStream;

/**
 * {@code y[j] = Σ_i x[i] · K[i][j]} in float32, summed in ascending i for every j exactly as the plain row-by-row loop
 * {@code y[j] += x[i] * K[i·out + j]} does (each product and each sum rounded once), only faster: columns are cut
 * into chunks spread over the cores, and four rows of each chunk are copied into arrays of their own so the inner
 * loop is the shape Java 17's C2 vectorizes (it does not when the kernel is indexed with a per-row offset).
 */
final class RowSums {
    /**
     * Most columns per chunk. One chunk per core, as wide as this allows: the rows are read once from memory (a
     * streaming step reads 730 MB of them), and this project's Xeon streams long rows markedly faster than short ones
     * (2 threads: 1 KB rows 17 GB/s, 16 KB rows 26 GB/s).
     */
    private static final int CHUNK = 4096;
    /** Fewest columns per chunk, so a row stays long enough for the vector loop to pay. */
    private static final int MIN_CHUNK = 256;
    /** Most partial sums a chunk holds over all its rows (512 KB), so they stay in the core's cache. */
    private static final int SUMS_IN_CACHE = 1 << 17;

    private RowSums() {}

    /**
     * Adds {@code xs[b] · K} for {@code K [in, out]} row-major from {@code kernel[offset]}, columns {@code [from, from + ys[b].length)} only, into
     * {@code ys[b]} (normally zero) for every row b at once: each kernel row is read from memory once for all of them,
     * and every {@code ys[b]} gets exactly the sums it would get alone.
     */
    static void accumulateRows(float[][] xs, float[] kernel, int offset, int in, int out, int from, float[][] ys) {
        // one chunk per core when the columns allow it, narrower when many rows' sums must stay in cache;
        // chunking never changes a sum's order
        int rows = ys.length;
        int columns = ys[0].length;
        int cores = Runtime.getRuntime().availableProcessors();
        int width = Math.max(MIN_CHUNK, Math.min(Math.min(CHUNK, SUMS_IN_CACHE / rows), (columns + cores - 1) / cores));
        int chunks = (columns + width - 1) / width;
        IntStream range = IntStream.range(0, chunks);
        ((long) in * columns * rows >= 1 << 16 && chunks > 1 ? range.parallel() : range)
                .forEach(c -> chunk(xs, kernel, offset, in, out, from, ys, c * width,
                        Math.min(columns, (c + 1) * width)));
    }

    /** Columns {@code from + y0 .. from + y1} of K (at {@code offset}) into {@code ys[b][y0 .. y1)} for every row b. */
    private static void chunk(float[][] xs, float[] kernel, int offset, int in, int out, int from, float[][] ys,
                              int y0, int y1) {
        int w = y1 - y0;
        int j0 = offset + from + y0;
        float[][] sums = new float[ys.length][w];
        for (int b = 0; b < ys.length; b++) {
            System.arraycopy(ys[b], y0, sums[b], 0, w);
        }
        float[] r0 = new float[w];
        float[] r1 = new float[w];
        float[] r2 = new float[w];
        float[] r3 = new float[w];
        int i = 0;
        for (; i + 4 <= in; i += 4) {
            System.arraycopy(kernel, i * out + j0, r0, 0, w);
            System.arraycopy(kernel, (i + 1) * out + j0, r1, 0, w);
            System.arraycopy(kernel, (i + 2) * out + j0, r2, 0, w);
            System.arraycopy(kernel, (i + 3) * out + j0, r3, 0, w);
            for (int b = 0; b < xs.length; b++) {
                float[] x = xs[b];
                float[] s = sums[b];
                float x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
                for (int j = 0; j < w; j++) {
                    s[j] = s[j] + x0 * r0[j] + x1 * r1[j] + x2 * r2[j] + x3 * r3[j];
                }
            }
        }
        for (; i < in; i++) {
            System.arraycopy(kernel, i * out + j0, r0, 0, w);
            for (int b = 0; b < xs.length; b++) {
                float[] s = sums[b];
                float x0 = xs[b][i];
                for (int j = 0; j < w; j++) {
                    s[j] = s[j] + x0 * r0[j];
                }
            }
        }
        for (int b = 0; b < ys.length; b++) {
            System.arraycopy(sums[b], 0, ys[b], y0, w);
        }
    }
}
