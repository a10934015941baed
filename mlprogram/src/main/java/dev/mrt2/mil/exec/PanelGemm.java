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
    private static final long PARALLEL_WORK = 1L << 16;

    private PanelGemm() {}

    static void multiply(float[] a, int aOff, int m, Panels b, float[] c, int cOff) {
        int panels = b.panels();
        long work = (long) m * b.n * b.k;
        if (work >= PARALLEL_WORK && panels > 1) {
            Parallel.range(panels, 1, (from, to) -> {
                for (int panel = from; panel < to; panel++) {
                    panel(a, aOff, m, b, panel, c, cOff);
                }
            });
        } else {
            for (int panel = 0; panel < panels; panel++) {
                panel(a, aOff, m, b, panel, c, cOff);
            }
        }
    }

    /**
     * Columns of one panel for every row of A. Four rows of B at a time are applied to each row of A in turn, so
     * they are read from memory once and from L1 for the other rows.
     */
    private static void panel(float[] a, int aOff, int m, Panels b, int panel, float[] c, int cOff) {
        int w = b.width(panel);
        float[][] rows = b.rows[panel];
        int k = b.k;
        float[][] sums = new float[m][w];
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            float[] b0 = rows[p], b1 = rows[p + 1], b2 = rows[p + 2], b3 = rows[p + 3];
            for (int i = 0; i < m; i++) {
                int r = aOff + i * k + p;
                Axpy.four(sums[i], a[r], b0, a[r + 1], b1, a[r + 2], b2, a[r + 3], b3, w);
            }
        }
        for (; p < k; p++) {
            for (int i = 0; i < m; i++) {
                Axpy.one(sums[i], a[aOff + i * k + p], rows[p], w);
            }
        }
        int j0 = b.start(panel);
        for (int i = 0; i < m; i++) {
            System.arraycopy(sums[i], 0, c, cOff + i * b.n + j0, w);
        }
    }
}
