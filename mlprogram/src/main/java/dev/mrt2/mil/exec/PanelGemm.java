package dev.mrt2.mil.exec;

/**
 * {@code C[M, N] = A[M, K] · B[K, N]} with B in {@link Panels}: the fast twin of {@link Gemm#scalar}, bit for bit.
 *
 * <p>Every element is summed exactly as the oracle sums it: start at zero, add {@code A[i][p] · B[p][j]} for ascending
 * p, each product rounded to float and each sum rounded to float (Java never fuses a multiply and an add). Only the
 * work is arranged differently: a loop over the panel's columns updates {@code WIDTH} independent sums at once (which
 * C2 turns into AVX/AVX-512 vector instructions), four steps of p per pass so each sum is loaded and stored once per
 * four products, and panels are spread over the cores. Each element is computed whole by one thread, so the result
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

    /** Columns of one panel for every row of A, rows four at a time. */
    private static void panel(float[] a, int aOff, int m, Panels b, int panel, float[] c, int cOff) {
        int w = b.width(panel);
        float[][] rows = b.rows[panel];
        int k = b.k;
        int j0 = panel * Panels.WIDTH;
        float[] s0 = new float[w];
        float[] s1 = new float[w];
        float[] s2 = new float[w];
        float[] s3 = new float[w];
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            java.util.Arrays.fill(s0, 0f);
            java.util.Arrays.fill(s1, 0f);
            java.util.Arrays.fill(s2, 0f);
            java.util.Arrays.fill(s3, 0f);
            int r0 = aOff + i * k;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                fourRowsFourSteps(a, r0, k, p, rows, s0, s1, s2, s3, w);
            }
            for (; p < k; p++) {
                float[] bp = rows[p];
                float x0 = a[r0 + p], x1 = a[r0 + k + p], x2 = a[r0 + 2 * k + p], x3 = a[r0 + 3 * k + p];
                for (int j = 0; j < w; j++) {
                    s0[j] = s0[j] + x0 * bp[j];
                    s1[j] = s1[j] + x1 * bp[j];
                    s2[j] = s2[j] + x2 * bp[j];
                    s3[j] = s3[j] + x3 * bp[j];
                }
            }
            int base = cOff + i * b.n + j0;
            System.arraycopy(s0, 0, c, base, w);
            System.arraycopy(s1, 0, c, base + b.n, w);
            System.arraycopy(s2, 0, c, base + 2 * b.n, w);
            System.arraycopy(s3, 0, c, base + 3 * b.n, w);
        }
        for (; i < m; i++) {
            java.util.Arrays.fill(s0, 0f);
            int r0 = aOff + i * k;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                float[] b0 = rows[p], b1 = rows[p + 1], b2 = rows[p + 2], b3 = rows[p + 3];
                float x0 = a[r0 + p], x1 = a[r0 + p + 1], x2 = a[r0 + p + 2], x3 = a[r0 + p + 3];
                for (int j = 0; j < w; j++) {
                    s0[j] = s0[j] + x0 * b0[j] + x1 * b1[j] + x2 * b2[j] + x3 * b3[j];
                }
            }
            for (; p < k; p++) {
                float[] bp = rows[p];
                float x0 = a[r0 + p];
                for (int j = 0; j < w; j++) {
                    s0[j] = s0[j] + x0 * bp[j];
                }
            }
            System.arraycopy(s0, 0, c, cOff + i * b.n + j0, w);
        }
    }

    /** Four rows of A times four rows of B: sixteen products per column, added in ascending p per row. */
    private static void fourRowsFourSteps(float[] a, int r0, int k, int p, float[][] rows,
                                          float[] s0, float[] s1, float[] s2, float[] s3, int w) {
        float[] b0 = rows[p], b1 = rows[p + 1], b2 = rows[p + 2], b3 = rows[p + 3];
        int r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        float x00 = a[r0 + p], x01 = a[r0 + p + 1], x02 = a[r0 + p + 2], x03 = a[r0 + p + 3];
        float x10 = a[r1 + p], x11 = a[r1 + p + 1], x12 = a[r1 + p + 2], x13 = a[r1 + p + 3];
        float x20 = a[r2 + p], x21 = a[r2 + p + 1], x22 = a[r2 + p + 2], x23 = a[r2 + p + 3];
        float x30 = a[r3 + p], x31 = a[r3 + p + 1], x32 = a[r3 + p + 2], x33 = a[r3 + p + 3];
        for (int j = 0; j < w; j++) {
            float v0 = b0[j], v1 = b1[j], v2 = b2[j], v3 = b3[j];
            s0[j] = s0[j] + x00 * v0 + x01 * v1 + x02 * v2 + x03 * v3;
            s1[j] = s1[j] + x10 * v0 + x11 * v1 + x12 * v2 + x13 * v3;
            s2[j] = s2[j] + x20 * v0 + x21 * v1 + x22 * v2 + x23 * v3;
            s3[j] = s3[j] + x30 * v0 + x31 * v1 + x32 * v2 + x33 * v3;
        }
    }
}
