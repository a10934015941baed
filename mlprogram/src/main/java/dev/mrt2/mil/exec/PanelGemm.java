package dev.mrt2.mil.exec;

/**
 * {@code C[M, N] = A[M, K] · B[K, N]} with B in {@link Panels}: the fast twin of {@link Gemm#scalar}, bit for bit.
 *
 * <p>Every element is summed exactly as the oracle sums it: start at zero, add {@code A[i][p] · B[p][j]} for ascending
 * p, each product rounded to float and each sum rounded to float (Java never fuses a multiply and an add). Only the
 * work is arranged differently: a loop over the panel's columns updates up to {@code MAX_WIDTH} independent sums at once
 * ({@link Axpy}, which C2 turns into vector instructions), four steps of p per pass so each sum is loaded and stored
 * once per four products, and panels are spread over the cores. Each element is computed whole by one thread, so the result
 * does not depend on how many threads there are or which one ran what.
 *
 * <p>With one row of A (a streaming step) the product only streams B from memory once; with a few rows (the depth
 * body's 12 positions) each panel row is reused for all of them while it is in cache.
 */
final class PanelGemm {
    /** Below this many multiply-adds the fork costs more than it saves. */
    static final long PARALLEL_WORK = 1L << 16;

    private PanelGemm() {}

    static void multiply(float[] a, int aOff, int m, Panels b, float[] c, int cOff) {
        multiply(a, aOff, m, b, c, cOff, Axpy.TWO_OUTPUTS);
    }

    /** {@link #multiply}, two rows of A per pass over four rows of B when {@code twoRows} ({@link Axpy#fourTwo}). */
    static void multiply(float[] a, int aOff, int m, Panels b, float[] c, int cOff, boolean twoRows) {
        int panels = b.panels();
        long work = (long) m * b.n * b.k;
        // Fewer panels than cores and many rows of A (a convolution's positions): rows are split too, so every core
        // has work; each output is still summed whole by one thread.
        int rowBlocks = panels < CORES && m >= 2 * ROW_SPLIT ? (m + ROW_SPLIT - 1) / ROW_SPLIT : 1;
        int blockRows = rowBlocks == 1 ? m : ROW_SPLIT;
        if (work >= PARALLEL_WORK && panels * rowBlocks > 1) {
            Parallel.range(panels * rowBlocks, 1, (from, to) -> {
                for (int item = from; item < to; item++) {
                    int panel = item / rowBlocks;
                    int r0 = (item % rowBlocks) * blockRows;
                    int rows = Math.min(m, r0 + blockRows) - r0;
                    panel(a, aOff + r0 * b.k, rows, b, panel, c, cOff + r0 * b.n, twoRows);
                }
            });
        } else {
            for (int panel = 0; panel < panels; panel++) {
                panel(a, aOff, m, b, panel, c, cOff, twoRows);
            }
        }
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** Rows of A per work item when rows are split. */
    private static final int ROW_SPLIT = 64;

    /** Rows of B per block: 256 rows of a panel (512 KB) stay in L2 while every row block of A uses them. */
    private static final int K_BLOCK = 256;
    /** Rows of A per block: their sums (16 × 2 KB) stay in L1 while a block of B rows is applied. */
    private static final int M_BLOCK = 16;

    /**
     * Columns of one panel for every row of A. Four rows of B at a time are applied to each row of A in a block, so
     * they are read from memory once and from cache for the others; blocks of B rows and of A rows keep both in cache
     * when A has many rows (a convolution's positions). Each sum still takes its products in ascending p.
     */
    private static void panel(float[] a, int aOff, int m, Panels b, int panel, float[] c, int cOff, boolean twoRows) {
        int w = b.width(panel);
        float[][] rows = b.rows[panel];
        int k = b.k;
        float[][] sums = new float[m][w];
        for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
            int p1 = Math.min(k, p0 + K_BLOCK);
            for (int i0 = 0; i0 < m; i0 += M_BLOCK) {
                int i1 = Math.min(m, i0 + M_BLOCK);
                int p = p0;
                for (; p + 4 <= p1; p += 4) {
                    float[] b0 = rows[p], b1 = rows[p + 1], b2 = rows[p + 2], b3 = rows[p + 3];
                    int i = i0;
                    if (twoRows) {
                        for (; i + 2 <= i1; i += 2) {
                            int r = aOff + i * k + p;
                            int q = r + k;
                            Axpy.fourTwo(sums[i], sums[i + 1], a[r], a[r + 1], a[r + 2], a[r + 3], a[q], a[q + 1],
                                    a[q + 2], a[q + 3], b0, b1, b2, b3, w);
                        }
                    }
                    for (; i < i1; i++) {
                        int r = aOff + i * k + p;
                        Axpy.four(sums[i], a[r], b0, a[r + 1], b1, a[r + 2], b2, a[r + 3], b3, w);
                    }
                }
                for (; p < p1; p++) {
                    for (int i = i0; i < i1; i++) {
                        Axpy.one(sums[i], a[aOff + i * k + p], rows[p], w);
                    }
                }
            }
        }
        int j0 = b.start(panel);
        for (int i = 0; i < m; i++) {
            System.arraycopy(sums[i], 0, c, cOff + i * b.n + j0, w);
        }
    }
}
