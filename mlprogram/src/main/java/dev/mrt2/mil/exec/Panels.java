package dev.mrt2.mil.exec;

/**
 * The right operand B {@code [K, N]} of a product, cut into column panels of at most {@link #WIDTH} columns and stored
 * as one array per (panel, row). That layout is what lets {@link PanelGemm}'s inner loops vectorize: Java 17's C2
 * vectorizes a loop only when every array in it is indexed by the loop variable itself, never by the loop variable
 * plus a per-row offset, so each row of a panel has to be an array of its own.
 *
 * <p>Built once per constant weight (a linear layer's {@code [N, K]} weight read as its transpose) and kept for the
 * executor's lifetime; built per call for an activation operand.
 */
final class Panels {
    /** Columns per panel: wide enough to amortise the loop set-up, narrow enough for a few rows to stay in L1. */
    static final int WIDTH = 512;

    final int k;
    final int n;
    /** {@code rows[panel][p]} holds {@code B[p][panel·WIDTH .. panel·WIDTH + width(panel))}. */
    final float[][][] rows;

    private Panels(int k, int n) {
        this.k = k;
        this.n = n;
        int panels = (n + WIDTH - 1) / WIDTH;
        this.rows = new float[panels][k][];
        for (int c = 0; c < panels; c++) {
            for (int p = 0; p < k; p++) {
                rows[c][p] = new float[width(c)];
            }
        }
    }

    int panels() {
        return rows.length;
    }

    int width(int panel) {
        return Math.min(WIDTH, n - panel * WIDTH);
    }

    /** B from its transpose {@code bt [N, K]} row-major (a linear weight), starting at {@code offset}. */
    static Panels fromTransposed(float[] bt, int offset, int n, int k) {
        Panels b = new Panels(k, n);
        Parallel.range(b.panels(), 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                int j0 = c * WIDTH;
                float[][] panel = b.rows[c];
                for (int j = 0; j < b.width(c); j++) {
                    int src = offset + (j0 + j) * k;
                    for (int p = 0; p < k; p++) {
                        panel[p][j] = bt[src + p];
                    }
                }
            }
        });
        return b;
    }

    /** B from its transpose held as binary16 patterns {@code [N, K]}; every value widens exactly. */
    static Panels fromTransposedHalf(short[] bt, int n, int k) {
        Panels b = new Panels(k, n);
        Parallel.range(b.panels(), 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                int j0 = c * WIDTH;
                float[][] panel = b.rows[c];
                for (int j = 0; j < b.width(c); j++) {
                    int src = (j0 + j) * k;
                    for (int p = 0; p < k; p++) {
                        panel[p][j] = ConstantDecoder.halfToFloat(bt[src + p]);
                    }
                }
            }
        });
        return b;
    }

    /** B stored row-major {@code [K, N]} starting at {@code offset}. */
    static Panels fromRows(float[] data, int offset, int k, int n) {
        Panels b = new Panels(k, n);
        for (int c = 0; c < b.panels(); c++) {
            int j0 = c * WIDTH;
            int w = b.width(c);
            for (int p = 0; p < k; p++) {
                System.arraycopy(data, offset + p * n + j0, b.rows[c][p], 0, w);
            }
        }
        return b;
    }

    /** Bytes held, for memory reports. */
    long bytes() {
        return 4L * k * n;
    }
}
