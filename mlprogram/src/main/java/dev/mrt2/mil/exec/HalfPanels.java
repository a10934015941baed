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
 * bit, like {@link PanelGemm}'s.
 *
 * <p>Layout: per panel of columns, one int per column for each pair of rows, row p in the low half and row p + 1 in
 * the high half, so the widening loop reads and writes 32-bit lanes only. Java 17's C2 vectorizes no conversion
 * between int and float lanes (its superword has no ConvI2F or MoveI2F node), so a half is widened with integer
 * operations into float32 bits ({@code (h & 0x7fff) << 13}, exponent rebiased by 112, sign moved to bit 31), which
 * C2 vectorizes when they are stored through a byte-array view, and the bits reach the float row in one bulk copy.
 * That formula is exact for every normal half; the halves with a zero exponent field (zero and subnormals, a fraction
 * of a percent of real weights) are stored beside the panel as exact float patches and written over the widened row.
 * Infinite and NaN halves never get here: the caller keeps such a weight in {@link Panels}.
 */
final class HalfPanels implements PackedWeight {
    /** Rows of B widened at a time: 16 rows of a 4096-wide panel are 256 KB, inside L2 beside the packed rows. */
    private static final int BLOCK = 16;
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>();

    final int k;
    final int n;
    final int width;
    /** {@code packed[panel][q][j]}: rows 2q (low half) and 2q + 1 (high half) of column start(panel) + j. */
    private final int[][][] packed;
    /** Per panel, the rows ({@code p·width + j}) and exact values of the halves with a zero exponent field, ascending. */
    private final int[][] patchAt;
    private final float[][] patchValue;

    private HalfPanels(int k, int n, int width) {
        this.k = k;
        this.n = n;
        this.width = width;
        int panels = Math.max(1, (n + width - 1) / width);
        this.packed = new int[panels][][];
        this.patchAt = new int[panels][];
        this.patchValue = new float[panels][];
    }

    int panels() {
        return packed.length;
    }

    int width(int panel) {
        return Math.min(width, n - panel * width);
    }

    int start(int panel) {
        return panel * width;
    }

    /**
     * B from its transpose held as binary16 patterns {@code [N, K]} (a linear weight), or null when a pattern is
     * infinite or NaN, or more than one in sixteen needs a patch (then {@link Panels} is the better layout).
     */
    static HalfPanels fromTransposed(short[] bt, int n, int k, int width) {
        HalfPanels b = new HalfPanels(k, n, width);
        boolean[] unfit = new boolean[1];
        Parallel.range(b.panels(), 1, (from, to) -> {
            for (int c = from; c < to && !unfit[0]; c++) {
                if (!b.fill(bt, c)) {
                    unfit[0] = true;
                }
            }
        });
        return unfit[0] ? null : b;
    }

    /** Packs one panel; false when it holds a non-finite half or too many patches. */
    private boolean fill(short[] bt, int c) {
        int j0 = start(c);
        int w = width(c);
        int[][] rows = new int[(k + 1) / 2][w];
        int[] at = new int[16];
        float[] value = new float[16];
        int patches = 0;
        int limit = Math.max(16, k * w / 16);
        for (int j = 0; j < w; j++) {
            int base = (j0 + j) * k;
            for (int p = 0; p < k; p++) {
                int h = bt[base + p] & 0xFFFF;
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
                rows[p >> 1][j] |= (p & 1) == 0 ? h : h << 16;
            }
        }
        sortPatches(at, value, patches);
        packed[c] = rows;
        patchAt[c] = Arrays.copyOf(at, patches);
        patchValue[c] = Arrays.copyOf(value, patches);
        return true;
    }

    /** Orders the patches by row, then column (they were found column by column). */
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
        if ((long) m * n * k >= PanelGemm.PARALLEL_WORK && panels() > 1) {
            Parallel.range(panels(), 1, (from, to) -> {
                for (int panel = from; panel < to; panel++) {
                    panel(a, aOff, m, panel, c, cOff);
                }
            });
        } else {
            for (int panel = 0; panel < panels(); panel++) {
                panel(a, aOff, m, panel, c, cOff);
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
    private void panel(float[] a, int aOff, int m, int panel, float[] c, int cOff) {
        int w = width(panel);
        int[][] rows = packed[panel];
        int[] at = patchAt[panel];
        float[] value = patchValue[panel];
        Scratch s = scratch(w);
        float[][] sums = new float[m][w];
        int next = 0;
        long touched = 0;
        for (int p0 = 0; p0 < k; p0 += BLOCK) {
            int count = Math.min(BLOCK, k - p0);
            touched += touch(rows, (p0 + BLOCK) >> 1, BLOCK / 2);
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
            for (int i = 0; i < m; i++) {
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
        for (int[][] p : packed) {
            b += 4L * p.length * (p.length == 0 ? 0 : p[0].length);
        }
        for (int[] p : patchAt) {
            b += 8L * p.length;
        }
        return b;
    }
}
