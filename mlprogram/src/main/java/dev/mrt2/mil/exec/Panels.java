package dev.mrt2.mil.exec;

/**
 * The right operand B {@code [K, N]} of a product, cut into column panels of at most {@link #MAX_WIDTH} columns and stored
 * as one array per (panel, row). That layout is what lets {@link PanelGemm}'s inner loops vectorize: Java 17's C2
 * vectorizes a loop only when every array in it is indexed by the loop variable itself, never by the loop variable
 * plus a per-row offset, so each row of a panel has to be an array of its own.
 *
 * <p>Built once per constant weight (a linear layer's {@code [N, K]} weight read as its transpose) and kept for the
 * executor's lifetime; built per call for an activation operand.
 */
final class Panels implements PackedWeight {
    /** Most columns per panel: wide enough to amortise the loop set-up, narrow enough for a few rows to stay in L1. */
    static final int MAX_WIDTH = 512;
    /**
     * Most columns per panel of a product with one row of A (a streaming step), whose rows of B are read once from
     * memory: longer rows stream faster (measured on this project's Xeon with 2 threads: 512 floats 18.9 GB/s, 1024
     * 22.3, 2048 23.1, 4096 26.0), and the sums of one row fit L1 at any of these widths.
     */
    static final int MAX_STREAM_WIDTH = 4096;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    final int k;
    final int n;
    /** Columns per panel (the last may be narrower). */
    final int width;
    /** {@code rows[panel][p]} holds {@code B[p][start(panel) .. start(panel) + width(panel))}. */
    final float[][][] rows;

    private Panels(int k, int n, int width) {
        this.k = k;
        this.n = n;
        this.width = width;
        this.rows = new float[Math.max(1, (n + width - 1) / width)][][];
    }

    /** {@link #widthFor(int, int)} for products with several rows of A. */
    static int widthFor(int n) {
        return widthFor(n, MAX_WIDTH);
    }

    /**
     * Panels of at most {@code max} columns, as many as a multiple of the threads that will compute them so each gets
     * an equal share, each a multiple of 16 columns (a vector). Laid out where kernels stay on the calling thread
     * ({@link KernelThreads#alone}: render's token loop beside its decoder), one thread takes them all, so they are cut
     * for one: a streaming step then reads rows twice as long (full-size carry step on one core of a 2-core Zen 5 VM,
     * OpenJDK 17: 32-47 ms against 47-89 with two panels per op). The cut never changes a sum, only who computes it.
     */
    static int widthFor(int n, int max) {
        int threads = Parallel.serialHere() ? 1 : CORES;
        int panels = Math.max(1, (n + max - 1) / max);
        panels = (panels + threads - 1) / threads * threads;
        int w = (n + panels - 1) / panels;
        return Math.max(16, (w + 15) / 16 * 16);
    }

    /** The panel width for a weight of {@code n} columns multiplied by {@code rowsOfA} rows at a time. */
    static int widthFor(int n, long rowsOfA) {
        return widthFor(n, rowsOfA == 1 ? MAX_STREAM_WIDTH : MAX_WIDTH);
    }

    int panels() {
        return rows.length;
    }

    int width(int panel) {
        return Math.min(width, n - panel * width);
    }

    /** The first column of {@code panel}. */
    int start(int panel) {
        return panel * width;
    }

    /**
     * Columns handled together while transposing: their rows of bt (64 cache lines) stay in L1 while p walks along
     * them, and each panel row gets 64 values written in place. Measured on this project's Xeon, warm heap, a 4096 x
     * 1024 binary16 weight: 4.5 ms, against 11.8 with 16-column tiles copied through a buffer.
     */
    private static final int TILE = 64;

    /** B from its transpose {@code bt [N, K]} row-major (a linear weight), starting at {@code offset}. */
    static Panels fromTransposed(float[] bt, int offset, int n, int k) {
        return fromTransposed(bt, offset, n, k, widthFor(n));
    }

    /** The same with panels of {@code width} columns. */
    static Panels fromTransposed(float[] bt, int offset, int n, int k, int width) {
        return transposed(n, k, width, i -> bt[offset + i]);
    }

    /** B from its transpose held as binary16 patterns {@code [N, K]}; every value widens exactly. */
    static Panels fromTransposedHalf(short[] bt, int n, int k) {
        return fromTransposedHalf(bt, n, k, widthFor(n));
    }

    /** The same with panels of {@code width} columns. */
    static Panels fromTransposedHalf(short[] bt, int n, int k, int width) {
        return transposed(n, k, width, i -> ConstantDecoder.halfToFloat(bt[i]));
    }

    /** Element {@code i} of a row-major {@code [N, K]} transpose, as float. */
    @FunctionalInterface
    private interface Transpose {
        float at(int i);
    }

    /**
     * Fills every panel of {@code width} columns from {@code bt}, panels in parallel, a tile of columns at a time: the
     * tile's rows of bt are read along p while its panel rows fill in place.
     */
    private static Panels transposed(int n, int k, int width, Transpose bt) {
        Panels b = new Panels(k, n, width);
        Parallel.range(b.panels(), 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                int j0 = b.start(c);
                int w = b.width(c);
                float[][] panel = new float[k][w];
                for (int t0 = 0; t0 < w; t0 += TILE) {
                    int t1 = Math.min(w, t0 + TILE);
                    for (int p = 0; p < k; p++) {
                        float[] row = panel[p];
                        for (int j = t0; j < t1; j++) {
                            row[j] = bt.at((j0 + j) * k + p);
                        }
                    }
                }
                b.rows[c] = panel;
            }
        });
        return b;
    }

    /** B stored row-major {@code [K, N]} starting at {@code offset}. */
    static Panels fromRows(float[] data, int offset, int k, int n) {
        Panels b = new Panels(k, n, widthFor(n));
        for (int c = 0; c < b.panels(); c++) {
            int j0 = b.start(c);
            int w = b.width(c);
            float[][] panel = new float[k][w];
            for (int p = 0; p < k; p++) {
                System.arraycopy(data, offset + p * n + j0, panel[p], 0, w);
            }
            b.rows[c] = panel;
        }
        return b;
    }

    @Override
    public void multiply(float[] a, int aOff, int m, float[] c, int cOff) {
        PanelGemm.multiply(a, aOff, m, this, c, cOff);
    }

    /** Bytes held, for memory reports. */
    long bytes() {
        return 4L * k * n;
    }
}
