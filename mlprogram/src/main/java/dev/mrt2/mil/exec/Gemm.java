package dev.mrt2.mil.exec;


/**
 * {@code C[m][n] = Σ_k A[m][k] · Bt[n][k]}: A row-major {@code [M, K]}, Bt row-major {@code [N, K]} (B transposed, which
 * is how {@code linear} stores its weight), float accumulation in ascending k.
 *
 * <p>{@link #scalar} is the oracle. {@link #blocked} computes every element with exactly the same float operations
 * in the same order, only several independent sums at a time (2 rows × 4 columns in registers, k in cache-sized
 * blocks, column blocks on all cores), so its results are bit-identical to the oracle and independent of thread
 * timing.
 */
final class Gemm {
    private static final int K_BLOCK = 512;
    private static final int N_CHUNK = 64;
    private static final long PARALLEL_WORK = 1L << 18;

    private Gemm() {}

    static void scalar(float[] a, int aOff, float[] bt, int bOff, float[] c, int cOff, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    acc += a[aOff + i * k + p] * bt[bOff + j * k + p];
                }
                c[cOff + i * n + j] = acc;
            }
        }
    }

    static void blocked(float[] a, int aOff, float[] bt, int bOff, float[] c, int cOff, int m, int n, int k) {
        int chunks = (n + N_CHUNK - 1) / N_CHUNK;
        if ((long) m * n * k >= PARALLEL_WORK && chunks > 1) {
            Parallel.range(chunks, 1, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    columns(a, aOff, bt, bOff, c, cOff, m, n, k, ch * N_CHUNK, Math.min(n, (ch + 1) * N_CHUNK));
                }
            });
        } else {
            columns(a, aOff, bt, bOff, c, cOff, m, n, k, 0, n);
        }
    }

    /**
     * One row of A (a streaming step): eight independent sums so the adds' latency is hidden while the weight
     * streams from memory. Returns the first column it left to the general loop.
     */
    private static int singleRow(float[] a, int aOff, float[] bt, int bOff, float[] c, int cOff, int k, int p0, int p1,
                                 int j0, int j1) {
        int j = j0;
        for (; j + 8 <= j1; j += 8) {
            int b0 = bOff + j * k;
            int c0 = cOff + j;
            float s0 = c[c0], s1 = c[c0 + 1], s2 = c[c0 + 2], s3 = c[c0 + 3];
            float s4 = c[c0 + 4], s5 = c[c0 + 5], s6 = c[c0 + 6], s7 = c[c0 + 7];
            for (int p = p0; p < p1; p++) {
                float x = a[aOff + p];
                int q = b0 + p;
                s0 += x * bt[q]; s1 += x * bt[q + k]; s2 += x * bt[q + 2 * k]; s3 += x * bt[q + 3 * k];
                s4 += x * bt[q + 4 * k]; s5 += x * bt[q + 5 * k]; s6 += x * bt[q + 6 * k]; s7 += x * bt[q + 7 * k];
            }
            c[c0] = s0; c[c0 + 1] = s1; c[c0 + 2] = s2; c[c0 + 3] = s3;
            c[c0 + 4] = s4; c[c0 + 5] = s5; c[c0 + 6] = s6; c[c0 + 7] = s7;
        }
        return j;
    }

    /** Columns [j0, j1) of C. A partial sum kept in C between k blocks resumes exactly where it stopped. */
    private static void columns(float[] a, int aOff, float[] bt, int bOff, float[] c, int cOff, int m, int n, int k,
                                int j0, int j1) {
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(c, cOff + i * n + j0, cOff + i * n + j1, 0f);
        }
        for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
            int p1 = Math.min(k, p0 + K_BLOCK);
            int j = j0;
            if (m == 1) {
                j = singleRow(a, aOff, bt, bOff, c, cOff, k, p0, p1, j0, j1);
            }
            for (; j + 4 <= j1; j += 4) {
                int b0 = bOff + j * k;
                int b1 = b0 + k;
                int b2 = b1 + k;
                int b3 = b2 + k;
                int i = 0;
                for (; i + 2 <= m; i += 2) {
                    int r0 = aOff + i * k;
                    int r1 = r0 + k;
                    int c0 = cOff + i * n + j;
                    int c1 = c0 + n;
                    float s00 = c[c0], s01 = c[c0 + 1], s02 = c[c0 + 2], s03 = c[c0 + 3];
                    float s10 = c[c1], s11 = c[c1 + 1], s12 = c[c1 + 2], s13 = c[c1 + 3];
                    for (int p = p0; p < p1; p++) {
                        float x0 = a[r0 + p];
                        float x1 = a[r1 + p];
                        float w0 = bt[b0 + p], w1 = bt[b1 + p], w2 = bt[b2 + p], w3 = bt[b3 + p];
                        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
                        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
                    }
                    c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03;
                    c[c1] = s10; c[c1 + 1] = s11; c[c1 + 2] = s12; c[c1 + 3] = s13;
                }
                for (; i < m; i++) {
                    int r0 = aOff + i * k;
                    int c0 = cOff + i * n + j;
                    float s0 = c[c0], s1 = c[c0 + 1], s2 = c[c0 + 2], s3 = c[c0 + 3];
                    for (int p = p0; p < p1; p++) {
                        float x0 = a[r0 + p];
                        s0 += x0 * bt[b0 + p]; s1 += x0 * bt[b1 + p]; s2 += x0 * bt[b2 + p]; s3 += x0 * bt[b3 + p];
                    }
                    c[c0] = s0; c[c0 + 1] = s1; c[c0 + 2] = s2; c[c0 + 3] = s3;
                }
            }
            for (; j < j1; j++) {
                int b0 = bOff + j * k;
                for (int i = 0; i < m; i++) {
                    int r0 = aOff + i * k;
                    int c0 = cOff + i * n + j;
                    float s = c[c0];
                    for (int p = p0; p < p1; p++) {
                        s += a[r0 + p] * bt[b0 + p];
                    }
                    c[c0] = s;
                }
            }
        }
    }

    /**
     * {@link #blocked} with Bt held as binary16 patterns: each weight is widened exactly before the same multiply
     * and add, so the result is still bit-identical to {@link #scalar} on the widened weights, while only half the
     * bytes stream from memory (a streaming temporal step is bound by that).
     */
    static void blockedHalf(float[] a, int aOff, short[] bt, int bOff, float[] c, int cOff, int m, int n, int k) {
        int chunks = (n + N_CHUNK - 1) / N_CHUNK;
        if ((long) m * n * k >= PARALLEL_WORK && chunks > 1) {
            Parallel.range(chunks, 1, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    halfColumns(a, aOff, bt, bOff, c, cOff, m, n, k, ch * N_CHUNK, Math.min(n, (ch + 1) * N_CHUNK));
                }
            });
        } else {
            halfColumns(a, aOff, bt, bOff, c, cOff, m, n, k, 0, n);
        }
    }

    private static void halfColumns(float[] a, int aOff, short[] bt, int bOff, float[] c, int cOff, int m, int n, int k,
                                    int j0, int j1) {
        for (int i = 0; i < m; i++) {
            int r0 = aOff + i * k;
            int j = j0;
            for (; j + 8 <= j1; j += 8) {
                int b0 = bOff + j * k;
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
                for (int p = 0; p < k; p++) {
                    float x = a[r0 + p];
                    int q = b0 + p;
                    s0 += x * ConstantDecoder.halfToFloat(bt[q]);
                    s1 += x * ConstantDecoder.halfToFloat(bt[q + k]);
                    s2 += x * ConstantDecoder.halfToFloat(bt[q + 2 * k]);
                    s3 += x * ConstantDecoder.halfToFloat(bt[q + 3 * k]);
                    s4 += x * ConstantDecoder.halfToFloat(bt[q + 4 * k]);
                    s5 += x * ConstantDecoder.halfToFloat(bt[q + 5 * k]);
                    s6 += x * ConstantDecoder.halfToFloat(bt[q + 6 * k]);
                    s7 += x * ConstantDecoder.halfToFloat(bt[q + 7 * k]);
                }
                int c0 = cOff + i * n + j;
                c[c0] = s0; c[c0 + 1] = s1; c[c0 + 2] = s2; c[c0 + 3] = s3;
                c[c0 + 4] = s4; c[c0 + 5] = s5; c[c0 + 6] = s6; c[c0 + 7] = s7;
            }
            for (; j < j1; j++) {
                int b0 = bOff + j * k;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[r0 + p] * ConstantDecoder.halfToFloat(bt[b0 + p]);
                }
                c[cOff + i * n + j] = s;
            }
        }
    }
}
