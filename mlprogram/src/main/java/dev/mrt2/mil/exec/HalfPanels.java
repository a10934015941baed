package dev.mrt2.mil.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The right operand B {@code [K, N]} of a product, kept as binary16 (half the memory of {@link Panels}, and half the
 * bytes a streaming step reads), widened to float32 a few rows at a time while {@link #multiply} runs. Widening is
 * exact, and each output sums its products exactly as {@link Gemm#scalar} does, so the result is the oracle's, bit for
 * bit, like {@link PanelGemm}'s. Two layouts, by what the running JVM widens fastest:
 * <ul>
 *   <li>{@link Layout#ROWS}, Java 21 and later: each panel one {@code short[]} of its rows, widened by the JDK's own
 *       vectorized conversion ({@link JdkHalfFloat}), inside the sum when A has one row.</li>
 *   <li>{@link Layout#PAIRS}, Java 17 to 20: per panel of columns, one int per column for each pair of rows, row p in
 *       the low half and row p + 1 in the high half, so the widening loop reads and writes 32-bit lanes only. Java
 *       17's C2 vectorizes no conversion between int and float lanes (its superword has no ConvI2F or MoveI2F node),
 *       so a half is widened with integer operations into float32 bits ({@code (h & 0x7fff) << 13}, exponent
 *       rebiased by 112, sign moved to bit 31), which C2 vectorizes when they are stored through a byte-array view,
 *       and the bits reach the float row in one bulk copy. That formula is exact for every normal half; the halves
 *       with a zero exponent field (zero and subnormals, a fraction of a percent of real weights) are stored beside
 *       the panel as exact float patches and written over the widened row.</li>
 * </ul>
 * Infinite and NaN halves never get here: the caller keeps such a weight in {@link Panels}.
 */
final class HalfPanels implements PackedWeight {
    /** Rows of B widened at a time: 16 rows of a 4096-wide panel are 256 KB, inside L2 beside the packed rows. */
    private static final int BLOCK = 16;
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>();
    /**
     * Columns laid out together: their rows of the transposed weight are read side by side along their length, and each
     * panel row is written a tile at a time, so both stay in cache (column by column, every value went to another
     * panel row: 6% of a full-size validate's samples on Java 17).
     */
    private static final int TILE = 32;
    /**
     * Panels narrower than this touch the next block ahead of a streaming step ({@link #touchRows}); wider ones leave it
     * to the hardware prefetcher. Measured on this project's Xeon, Temurin 25, 2 threads: 1024 x 1024 (panels of 512)
     * 0.13 ms with the touch against 0.18 without, 4096 x 1024 (panels of 2048) 0.51 against 0.41.
     */
    private static final int TOUCH_BELOW_WIDTH = 2048;

    /** How a panel's halves are held, and so how they are widened. */
    enum Layout {
        /** One {@code short[k·w]} per panel, widened by {@link JdkHalfFloat}. */
        ROWS,
        /** Pairs of rows in ints, widened by integer operations, zero exponents patched. */
        PAIRS;

        /** The faster layout on the running JVM. */
        static Layout best() {
            return JdkHalfFloat.available() ? ROWS : PAIRS;
        }
    }

    final int k;
    final int n;
    final int width;
    private final Layout layout;
    /**
     * {@link Layout#ROWS}: {@code halves[panel][p·w + j]} is row p of column start(panel) + j, each panel one array so
     * a step reads it front to back in one stream.
     */
    private final short[][] halves;
    /** {@link Layout#PAIRS}: {@code packed[panel][q][j]}: rows 2q (low half) and 2q + 1 (high half) of column start(panel) + j. */
    private final int[][][] packed;
    /** Per panel, the rows ({@code p·width + j}) and exact values of the halves with a zero exponent field, ascending. */
    private final int[][] patchAt;
    private final float[][] patchValue;

    private HalfPanels(int k, int n, int width, Layout layout) {
        this.k = k;
        this.n = n;
        this.width = width;
        this.layout = layout;
        int panels = Math.max(1, (n + width - 1) / width);
        this.halves = new short[panels][];
        this.packed = new int[panels][][];
        this.patchAt = new int[panels][];
        this.patchValue = new float[panels][];
    }

    int panels() {
        return packed.length;
    }

    Layout layout() {
        return layout;
    }

    int width(int panel) {
        return Math.min(width, n - panel * width);
    }

    int start(int panel) {
        return panel * width;
    }

    /**
     * B from its transpose held as binary16 patterns {@code [N, K]} (a linear weight), or null when a pattern is
     * infinite or NaN, or (layout {@link Layout#PAIRS}) more than one in sixteen needs a patch (then {@link Panels} is
     * the better layout). The layout is the running JVM's {@link Layout#best()}.
     */
    static HalfPanels fromTransposed(short[] bt, int n, int k, int width) {
        return fromTransposed(bt, n, k, width, Layout.best());
    }

    /** {@link #fromTransposed(short[], int, int, int)} in a chosen layout ({@link Layout#ROWS} needs Java 21+). */
    static HalfPanels fromTransposed(short[] bt, int n, int k, int width, Layout layout) {
        if (layout == Layout.ROWS && !JdkHalfFloat.available()) {
            throw new IllegalStateException("binary16 rows need Float.float16ToFloat, vectorized from Java "
                    + JdkHalfFloat.FIRST_VECTORIZED_RELEASE);
        }
        HalfPanels b = new HalfPanels(k, n, width, layout);
        boolean[] unfit = new boolean[1];
        Parallel.range(b.panels(), 1, (from, to) -> {
            for (int c = from; c < to && !unfit[0]; c++) {
                if (!(layout == Layout.ROWS ? b.fillRows(bt, c) : b.fill(bt, c))) {
                    unfit[0] = true;
                }
            }
        });
        return unfit[0] ? null : b;
    }

    /** Lays out one panel as rows; false when it holds a non-finite half. */
    private boolean fillRows(short[] bt, int c) {
        int j0 = start(c);
        int w = width(c);
        short[] rows = new short[Math.multiplyExact(k, w)];
        for (int t0 = 0; t0 < w; t0 += TILE) {
            int t1 = Math.min(w, t0 + TILE);
            for (int p = 0; p < k; p++) {
                int row = p * w;
                for (int j = t0; j < t1; j++) {
                    short h = bt[(j0 + j) * k + p];
                    if ((h & 0x7C00) == 0x7C00) {
                        return false;
                    }
                    rows[row + j] = h;
                }
            }
        }
        halves[c] = rows;
        return true;
    }

    /** Packs one panel as pairs; false when it holds a non-finite half or too many patches. */
    private boolean fill(short[] bt, int c) {
        int j0 = start(c);
        int w = width(c);
        int[][] rows = new int[(k + 1) / 2][w];
        int[] at = new int[16];
        float[] value = new float[16];
        int patches = 0;
        int limit = Math.max(16, k * w / 16);
        for (int t0 = 0; t0 < w; t0 += TILE) {
            int t1 = Math.min(w, t0 + TILE);
            for (int p = 0; p < k; p++) {
                int[] row = rows[p >> 1];
                int shift = (p & 1) * 16;
                for (int j = t0; j < t1; j++) {
                    int h = bt[(j0 + j) * k + p] & 0xFFFF;
                    int exponent = h & 0x7C00;
                    if (exponent == 0x7C00) {
                        return false;
                    }
                    if (exponent == 0) {
                        if (patches == limit) {
                            return false;
                        }
                        if (patches == at.length) {
                            at = Arrays.copyOf(at, 2 * patches);
                            value = Arrays.copyOf(value, 2 * patches);
                        }
                        at[patches] = p * w + j;
                        value[patches++] = ConstantDecoder.halfToFloat((short) h);
                    }
                    row[j] |= h << shift;
                }
            }
        }
        sortPatches(at, value, patches);
        packed[c] = rows;
        patchAt[c] = Arrays.copyOf(at, patches);
        patchValue[c] = Arrays.copyOf(value, patches);
        return true;
    }

    /** Orders the patches by row, then column (they were found tile by tile). */
    private static void sortPatches(int[] at, float[] value, int count) {
        long[] keyed = new long[count];
        for (int i = 0; i < count; i++) {
            keyed[i] = (long) at[i] << 32 | i;
        }
        Arrays.sort(keyed);
        int[] sortedAt = new int[count];
        float[] sortedValue = new float[count];
        for (int i = 0; i < count; i++) {
            int from = (int) keyed[i];
            sortedAt[i] = at[from];
            sortedValue[i] = value[from];
        }
        System.arraycopy(sortedAt, 0, at, 0, count);
        System.arraycopy(sortedValue, 0, value, 0, count);
    }

    /** {@code C[M, N] = A[M, K] · B}, panels spread over the cores like {@link PanelGemm#multiply}. */
    @Override
    public void multiply(float[] a, int aOff, int m, float[] c, int cOff) {
        multiply(a, aOff, m, c, cOff, Axpy.TWO_OUTPUTS);
    }

    /** {@link #multiply}, two rows of A per pass over four widened rows when {@code twoRows} ({@link Axpy#fourTwo}). */
    void multiply(float[] a, int aOff, int m, float[] c, int cOff, boolean twoRows) {
        if ((long) m * n * k >= PanelGemm.PARALLEL_WORK && panels() > 1) {
            Parallel.range(panels(), 1, (from, to) -> {
                for (int panel = from; panel < to; panel++) {
                    panel(a, aOff, m, panel, c, cOff, twoRows);
                }
            });
        } else {
            for (int panel = 0; panel < panels(); panel++) {
                panel(a, aOff, m, panel, c, cOff, twoRows);
            }
        }
    }

    /** One thread's widening buffers: BLOCK float rows of the widest panel, and the bytes they pass through. */
    private static final class Scratch {
        final float[][] rows;
        final byte[] bits;
        final FloatBuffer view;
        final int width;

        Scratch(int width) {
            this.width = width;
            this.rows = new float[BLOCK][width];
            this.bits = new byte[4 * width];
            this.view = ByteBuffer.wrap(bits).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    private static Scratch scratch(int width) {
        Scratch s = SCRATCH.get();
        if (s == null || s.width < width) {
            s = new Scratch(width);
            SCRATCH.set(s);
        }
        return s;
    }

    /**
     * Every row of A times one panel: BLOCK rows of B are widened, patched and then applied to each row of A four at a
     * time ({@link Axpy#four}), so each sum still takes its products in ascending p.
     */
    private void panel(float[] a, int aOff, int m, int panel, float[] c, int cOff, boolean twoRows) {
        if (layout == Layout.ROWS && m == 1) {
            streamPanel(a, aOff, panel, c, cOff);
            return;
        }
        int w = width(panel);
        Scratch s = scratch(w);
        float[][] sums = new float[m][w];
        int next = 0;
        long touched = 0;
        for (int p0 = 0; p0 < k; p0 += BLOCK) {
            int count = Math.min(BLOCK, k - p0);
            if (layout == Layout.ROWS) {
                touched += touchRows(halves[panel], (p0 + BLOCK) * w, Math.min(k, p0 + 2 * BLOCK) * w);
                for (int r = 0; r < count; r++) {
                    JdkHalfFloat.widen(halves[panel], (p0 + r) * w, s.rows[r], w);
                }
            } else {
                touched += touch(packed[panel], (p0 + BLOCK) >> 1, BLOCK / 2);
                next = widenPairs(panel, p0, count, next, s);
            }
            int i = 0;
            if (twoRows) {
                for (; i + 2 <= m; i += 2) {
                    int row = aOff + i * k + p0;
                    int row2 = row + k;
                    int r = 0;
                    for (; r + 4 <= count; r += 4) {
                        Axpy.fourTwo(sums[i], sums[i + 1], a[row + r], a[row + r + 1], a[row + r + 2], a[row + r + 3],
                                a[row2 + r], a[row2 + r + 1], a[row2 + r + 2], a[row2 + r + 3], s.rows[r],
                                s.rows[r + 1], s.rows[r + 2], s.rows[r + 3], w);
                    }
                    for (; r < count; r++) {
                        Axpy.one(sums[i], a[row + r], s.rows[r], w);
                        Axpy.one(sums[i + 1], a[row2 + r], s.rows[r], w);
                    }
                }
            }
            for (; i < m; i++) {
                int row = aOff + i * k + p0;
                float[] sum = sums[i];
                int r = 0;
                for (; r + 4 <= count; r += 4) {
                    Axpy.four(sum, a[row + r], s.rows[r], a[row + r + 1], s.rows[r + 1], a[row + r + 2], s.rows[r + 2],
                            a[row + r + 3], s.rows[r + 3], w);
                }
                for (; r < count; r++) {
                    Axpy.one(sum, a[row + r], s.rows[r], w);
                }
            }
        }
        if (touched == 42) {
            Arrays.fill(sums[0], 0f);   // never: keeps the touching reads from being optimized away
        }
        int j0 = start(panel);
        for (int i = 0; i < m; i++) {
            System.arraycopy(sums[i], 0, c, cOff + i * n + j0, w);
        }
    }

    /**
     * One row of A (a streaming step) times a {@link Layout#ROWS} panel, each weight widened inside the sum that reads
     * it ({@link JdkHalfFloat#four}): the same products in the same order as {@link #panel}'s block loop.
     */
    private void streamPanel(float[] a, int aOff, int panel, float[] c, int cOff) {
        int w = width(panel);
        short[] rows = halves[panel];
        float[] sum = new float[w];
        long touched = 0;
        for (int p0 = 0; p0 < k; p0 += BLOCK) {
            int end = Math.min(k, p0 + BLOCK);
            if (w < TOUCH_BELOW_WIDTH) {
                touched += touchRows(rows, (p0 + BLOCK) * w, Math.min(k, p0 + 2 * BLOCK) * w);
            }
            int p = p0;
            for (; p + 4 <= end; p += 4) {
                JdkHalfFloat.four(sum, rows, p * w, w, a[aOff + p], a[aOff + p + 1], a[aOff + p + 2], a[aOff + p + 3]);
            }
            for (; p < end; p++) {
                JdkHalfFloat.one(sum, a[aOff + p], rows, p * w, w);
            }
        }
        if (touched == 42) {
            Arrays.fill(sum, 0f);   // never: keeps the touching reads from being optimized away
        }
        System.arraycopy(sum, 0, c, cOff + start(panel), w);
    }

    /** Widens rows {@code [p0, p0 + count)} of a {@link Layout#PAIRS} panel into the scratch rows; the next patch. */
    private int widenPairs(int panel, int p0, int count, int next, Scratch s) {
        int w = width(panel);
        int[][] rows = packed[panel];
        int[] at = patchAt[panel];
        float[] value = patchValue[panel];
        for (int r = 0; r < count; r += 2) {
            int[] pair = rows[(p0 + r) >> 1];
            widenLow(pair, s, w);
            s.view.clear();
            s.view.get(s.rows[r], 0, w);
            if (r + 1 < count) {
                widenHigh(pair, s, w);
                s.view.clear();
                s.view.get(s.rows[r + 1], 0, w);
            }
        }
        int end = (p0 + count) * w;
        for (; next < at.length && at[next] < end; next++) {
            s.rows[at[next] / w - p0][at[next] % w] = value[next];
        }
        return next;
    }

    /** {@link #touch} for a {@link Layout#ROWS} panel: one short per cache line of {@code [from, to)}. */
    private static long touchRows(short[] rows, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 32) {
            sum += rows[i];
        }
        return sum;
    }

    /**
     * Reads one int per cache line of the next block's packed rows, so they are on their way from memory while this
     * block is widened and summed (a streaming step is latency bound: measured 40 against 52 ms without).
     */
    private static long touch(int[][] rows, int from, int count) {
        long sum = 0;
        for (int q = from; q < Math.min(rows.length, from + count); q++) {
            int[] row = rows[q];
            for (int j = 0; j < row.length; j += 16) {
                sum += row[j];
            }
        }
        return sum;
    }

    /** Float32 bits of the low halves (rows 2q) into the scratch bytes. */
    private static void widenLow(int[] pair, Scratch s, int w) {
        byte[] out = s.bits;
        for (int j = 0; j < w; j++) {
            int x = pair[j];
            INTS.set(out, 4 * j, (((x & 0x7fff) << 13) + 0x38000000) | ((x & 0x8000) << 16));
        }
    }

    /** Float32 bits of the high halves (rows 2q + 1). */
    private static void widenHigh(int[] pair, Scratch s, int w) {
        byte[] out = s.bits;
        for (int j = 0; j < w; j++) {
            int x = pair[j];
            INTS.set(out, 4 * j, (((x >>> 3) & 0x0fffe000) + 0x38000000) | (x & 0x80000000));
        }
    }

    /** Bytes held, for memory reports. */
    long bytes() {
        long b = 0;
        for (short[] p : halves) {
            b += p == null ? 0 : 2L * p.length;
        }
        for (int[][] p : packed) {
            b += p == null ? 0 : 4L * p.length * (p.length == 0 ? 0 : p[0].length);
        }
        for (int[] p : patchAt) {
            b += p == null ? 0 : 8L * p.length;
        }
        return b;
    }
}
