package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast kernels against the plain loops on random shapes, odd sizes included. The JVM kernels must be bit-identical
 * to the oracle (the same sums in the same order); the native backend, where it runs, sums in its own order and must
 * agree to 1e-5 of the output's magnitude.
 */
class FastPathTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void blockedGemmIsBitIdenticalToTheScalarLoop() {
        SplittableRandom rng = new SplittableRandom(7);
        int[][] sizes = {{1, 1, 1}, {1, 1024, 1024}, {3, 7, 5}, {2, 130, 515}, {12, 67, 1100}, {5, 4, 3}, {33, 257, 64}};
        for (int[] mnk : sizes) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            float[] a = Arrays2.random(rng, m * k, 1);
            float[] bt = Arrays2.random(rng, n * k, 1);
            float[] want = new float[m * n];
            float[] got = new float[m * n];
            Gemm.scalar(a, 0, bt, 0, want, 0, m, n, k);
            Gemm.blocked(a, 0, bt, 0, got, 0, m, n, k);
            assertBitEqual(want, got, "gemm [" + m + "x" + k + "]·[" + k + "x" + n + "] blocked vs scalar");
        }
    }

    /**
     * Panels of several widths (one column, a partial panel, several panels), every row count 1..13, and many rows
     * over fewer panels than cores (rows split between threads, the last block short).
     */
    @Test
    void panelGemmIsBitIdenticalToTheScalarLoop() {
        SplittableRandom rng = new SplittableRandom(17);
        int[][] sizes = {{1, 1, 1}, {1, 4096, 1024}, {3, 7, 5}, {2, 1300, 515}, {12, 67, 1101}, {5, 4, 3},
                {13, 1025, 6}, {4, 513, 4}, {7, 1, 9}, {6, 3, 1}, {200, 100, 300}, {129, 256, 41}, {300, 70, 9}, {150, 1100, 20}};
        for (int[] mnk : sizes) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            float[] a = Arrays2.random(rng, m * k, 1);
            float[] bt = Arrays2.random(rng, n * k, 1);
            float[] want = new float[m * n];
            float[] got = new float[m * n];
            Gemm.scalar(a, 0, bt, 0, want, 0, m, n, k);
            PanelGemm.multiply(a, 0, m, Panels.fromTransposed(bt, 0, n, k), got, 0);
            assertBitEqual(want, got, "panel gemm [" + m + "x" + k + "]·[" + k + "x" + n + "] vs scalar");
        }
    }

    /**
     * The two-sums-per-pass kernels ({@link Axpy#fourTwo}, the default from Java 25) and the one-sum ones give the
     * oracle's bits whichever this JVM runs by default: row pairs with an odd row left over, rows split between threads.
     */
    @Test
    void twoRowsPerPassGiveTheScalarLoopsBits() {
        SplittableRandom rng = new SplittableRandom(43);
        int[][] sizes = {{2, 70, 33}, {3, 515, 9}, {13, 1025, 6}, {25, 300, 41}, {200, 100, 30}, {1, 64, 64}};
        for (int[] mnk : sizes) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            float[] a = Arrays2.random(rng, m * k, 1);
            float[] bt = Arrays2.random(rng, n * k, 1);
            float[] want = new float[m * n];
            Gemm.scalar(a, 0, bt, 0, want, 0, m, n, k);
            Panels panels = Panels.fromTransposed(bt, 0, n, k);
            for (boolean twoRows : new boolean[] {true, false}) {
                float[] got = new float[m * n];
                PanelGemm.multiply(a, 0, m, panels, got, 0, twoRows);
                assertBitEqual(want, got, "panel gemm [" + m + "x" + k + "]·[" + k + "x" + n + "] two rows "
                        + twoRows + " vs scalar");
            }
        }
    }

    /** The convolution's inner sums, two outputs per pass or one: each sum adds its taps in ascending order. */
    @Test
    void convolutionSumsTwoOutputsPerPassGiveThePlainLoopsBits() {
        SplittableRandom rng = new SplittableRandom(47);
        int[][] sizes = {{7, 9, 1000}, {64, 64, 1024}, {65, 67, 33}, {2, 3, 17}, {1, 5, 40}};
        for (int[] otw : sizes) {
            int outputs = otw[0], taps = otw[1], width = otw[2];
            float[][] rows = new float[taps][];
            for (int t = 0; t < taps; t++) {
                rows[t] = Arrays2.random(rng, width, 1);
            }
            int wOff = 5;
            float[] w = Arrays2.random(rng, wOff + outputs * taps, 0.5);
            float[][] start = new float[outputs][];
            float[][] want = new float[outputs][width];
            for (int o = 0; o < outputs; o++) {
                start[o] = Arrays2.random(rng, width, 1);
                for (int e = 0; e < width; e++) {
                    float sum = start[o][e];
                    for (int t = 0; t < taps; t++) {
                        sum += w[wOff + o * taps + t] * rows[t][e];
                    }
                    want[o][e] = sum;
                }
            }
            for (boolean two : new boolean[] {true, false}) {
                float[][] sums = new float[outputs][];
                for (int o = 0; o < outputs; o++) {
                    sums[o] = start[o].clone();
                }
                DirectConv.accumulate(sums, outputs, rows, taps, w, wOff, taps, width, two);
                for (int o = 0; o < outputs; o++) {
                    assertBitEqual(want[o], sums[o], outputs + " outputs, " + taps + " taps, output " + o
                            + ", two per pass " + two);
                }
            }
        }
    }

    /** Only on, off and auto name a kernel choice; another is refused in one line, not in a static initializer. */
    @Test
    void twoOutputSettingIsOnOffOrAuto() {
        assertTrue(Axpy.twoOutputs("on"));
        assertEquals(false, Axpy.twoOutputs("off"));
        assertEquals(Runtime.version().feature() >= Axpy.FIRST_TWO_OUTPUT_RELEASE, Axpy.twoOutputs("auto"));
        for (String good : new String[] {"on", "off", "auto"}) {
            Axpy.checkSetting(good);
        }
        ExecutorException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutorException.class,
                () -> Axpy.checkSetting("yes"));
        assertEquals("-Dmrt2.executor.twooutputs=yes: expected on, off or auto", e.getMessage());
    }

    /** A weight read from inside a larger array (a slab) starts at its offset: NaNs before and after stay unread. */
    @Test
    void panelsFromAnOffsetReadOnlyTheirWeight() {
        SplittableRandom rng = new SplittableRandom(29);
        int m = 3, n = 131, k = 70, before = 37;
        float[] a = Arrays2.random(rng, m * k, 1);
        float[] bt = Arrays2.random(rng, n * k, 1);
        float[] slab = new float[before + n * k + 11];
        Arrays.fill(slab, Float.NaN);
        System.arraycopy(bt, 0, slab, before, bt.length);
        float[] want = new float[m * n];
        float[] got = new float[m * n];
        Gemm.scalar(a, 0, bt, 0, want, 0, m, n, k);
        PanelGemm.multiply(a, 0, m, Panels.fromTransposed(slab, before, n, k, 64), got, 0);
        assertBitEqual(want, got, "panel gemm from offset " + before + " vs scalar");
    }

    /** Weights held as binary16 patterns (every pattern, subnormals, infinities and NaNs included) give the same bits. */
    @Test
    void halfWeightPanelsAreBitIdenticalToTheScalarLoopOnWidenedWeights() {
        SplittableRandom rng = new SplittableRandom(3);
        int[][] sizes = {{1, 4096, 16}, {1, 13, 7}, {2, 33, 100}, {3, 1024, 257}};
        for (int[] mnk : sizes) {
            int m = mnk[0], n = mnk[1], k = mnk[2];
            float[] a = Arrays2.random(rng, m * k, 1);
            short[] bits = new short[n * k];
            float[] widened = new float[n * k];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = (short) (n * k == 1 << 16 ? i : rng.nextInt(1 << 16));
                widened[i] = dev.mrt2.safetensors.Float16.toFloat(bits[i]);
            }
            float[] want = new float[m * n];
            float[] got = new float[m * n];
            Gemm.scalar(a, 0, widened, 0, want, 0, m, n, k);
            PanelGemm.multiply(a, 0, m, Panels.fromTransposedHalf(bits, n, k), got, 0);
            for (int i = 0; i < want.length; i++) {
                if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                    fail("gemm with fp16 weights [" + m + "x" + k + "]·[" + k + "x" + n + "] vs scalar: element " + i
                            + " differs (" + got[i] + " vs " + want[i] + "); metric: bit equality (NaNs equal)");
                }
            }
        }
    }

    /**
     * Products of two activations as attention makes them (scores q·Kᵀ, then probabilities times V read in place as
     * [k, n] rows), with signed zeros among the values, bit for bit against the scalar loop on every fast backend; and
     * a y whose batch broadcasts, which takes the general path.
     */
    @Test
    void smallActivationProductsAreBitIdenticalToTheScalarLoop() {
        SplittableRandom rng = new SplittableRandom(23);
        int[][] shapes = {{8, 1, 43, 128}, {8, 1, 128, 43}, {3, 5, 7, 9}, {1, 1, 1, 1}, {2, 4, 1, 6}};
        for (int[] bmkn : shapes) {
            int b = bmkn[0], m = bmkn[1], k = bmkn[2], n = bmkn[3];
            for (boolean broadcastY : new boolean[] {false, true}) {
                IrProgram p = new IrProgram(Opset.IOS18);
                Var x = p.input("x", DataType.FLOAT32, 1, b, m, k);
                Var yIn = broadcastY ? p.input("yv", DataType.FLOAT32, 1, 1, k, n) : p.input("yv", DataType.FLOAT32, 1, b, k, n);
                Var y = p.op("matmul", "y", TensorType.of(DataType.FLOAT32, 1, b, m, n), "x", x, "y", yIn,
                        "transpose_x", IrProgram.boolScalar(false), "transpose_y", IrProgram.boolScalar(false));
                Model model = p.build(y);
                float[] xs = Arrays2.random(rng, b * m * k, 1);
                float[] ys = Arrays2.random(rng, (broadcastY ? 1 : b) * k * n, 1);
                for (int i = 0; i < ys.length; i += 5) {
                    ys[i] = i % 2 == 0 ? 0f : -0f;
                }
                Map<String, NdArray> in = Map.of("x", NdArray.f32(new int[] {1, b, m, k}, xs),
                        "yv", NdArray.f32(new int[] {1, broadcastY ? 1 : b, k, n}, ys));
                float[] want = run(model, ExecutorBackend.SCALAR, in);
                for (ExecutorBackend fast : Backends.fast()) {
                    assertBitEqual(want, run(model, fast, in), fast + " matmul [" + b + "x" + m + "x" + k + "]·["
                            + (broadcastY ? 1 : b) + "x" + k + "x" + n + "]");
                }
            }
        }
    }

    /** 12 rows × 256 → 700 is past the threshold where the native backend takes linear layers. */
    @Test
    void fastLinearMatchesTheScalarLoop() {
        SplittableRandom rng = new SplittableRandom(11);
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 1, 12, 256);
        Var w = p.constant("w", IrProgram.floats(new long[] {700, 256}, Arrays2.random(rng, 700 * 256, 1)));
        Var b = p.constant("b", IrProgram.floats(new long[] {700}, Arrays2.random(rng, 700, 1)));
        Var y = p.op("linear", "y", TensorType.of(DataType.FLOAT32, 1, 12, 700), "x", x, "weight", w, "bias", b);
        Model model = p.build(y);
        NdArray input = NdArray.f32(new int[] {1, 12, 256}, Arrays2.random(rng, 12 * 256, 1));
        float[] want = run(model, ExecutorBackend.SCALAR, input);
        for (ExecutorBackend fast : Backends.fast()) {
            compare(want, run(model, fast, input), fast, "linear [12x256]·[256x700]");
        }
    }

    /**
     * Panels laid out inside {@link KernelThreads#alone} are cut for one thread (one panel up to the width limit),
     * outside for every core; a streamed linear step gives the scalar loop's bits either way.
     */
    @Test
    void panelsLaidOutAloneAreCutForOneThreadWithTheSameBits() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(1008, (int) KernelThreads.alone(() -> Panels.widthFor(1000, 1L)));
        assertEquals(((1000 + cores - 1) / cores + 15) / 16 * 16, Panels.widthFor(1000, 1L));
        SplittableRandom rng = new SplittableRandom(12);
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 1, 1, 300);
        Var w = p.constant("w", IrProgram.floats(new long[] {1000, 300}, Arrays2.random(rng, 1000 * 300, 1)));
        Var y = p.op("linear", "y", TensorType.of(DataType.FLOAT32, 1, 1, 1000), "x", x, "weight", w);
        Model model = p.build(y);
        NdArray input = NdArray.f32(new int[] {1, 1, 300}, Arrays2.random(rng, 300, 1));
        float[] want = run(model, ExecutorBackend.SCALAR, input);
        assertBitEqual(want, KernelThreads.alone(() -> run(model, ExecutorBackend.JAVA, input)), "alone");
        assertBitEqual(want, run(model, ExecutorBackend.JAVA, input), "on every core");
    }

    @Test
    void fastConvolutionsMatchTheScalarLoops() {
        SplittableRandom rng = new SplittableRandom(2026);
        List<String> checked = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            checked.add(compareConv(rng, c, false));
        }
        for (int c = 0; c < 40; c++) {
            checked.add(compareConv(rng, c, true));
        }
        assertEquals(80, checked.size());
    }

    /**
     * Sizes past every block of the JVM kernel: more than 64 output channels and taps (neither a multiple of 4), more
     * than 1024 and 2048 extended positions (the kernel's blocks are 1024 wide), uneven padding, strides of 2 and 3 in a
     * transposed convolution, groups.
     */
    @Test
    void largeConvolutionsCrossEveryBlockBoundary() {
        SplittableRandom rng = new SplittableRandom(99);
        //            transpose, batch, cin, cout, groups, in, kernel, strides, dilations, pad
        bigConv(rng, false, 1, 70, 67, 1, new int[] {13, 45}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 0, 1, 1});
        bigConv(rng, false, 2, 18, 130, 2, new int[] {9, 61}, new int[] {7, 5}, new int[] {1, 1}, new int[] {1, 2},
                new int[] {6, 0, 3, 4});
        bigConv(rng, true, 1, 9, 70, 1, new int[] {12, 40}, new int[] {4, 6}, new int[] {2, 3}, new int[] {1, 1},
                new int[] {0, 2, 1, 2});
        bigConv(rng, true, 1, 66, 5, 1, new int[] {5, 17}, new int[] {3, 4}, new int[] {1, 2}, new int[] {1, 1},
                new int[] {0, 2, 1, 1});
        bigConv(rng, false, 1, 3, 2, 1, new int[] {700}, new int[] {1}, new int[] {1}, new int[] {1}, new int[] {0, 0});
        bigConv(rng, false, 1, 3, 2, 1, new int[] {2500}, new int[] {1}, new int[] {1}, new int[] {1}, new int[] {0, 0});
        bigConv(rng, false, 1, 70, 67, 1, new int[] {30, 80}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 0, 1, 1});
        bigConv(rng, true, 1, 66, 5, 1, new int[] {40, 60}, new int[] {3, 4}, new int[] {1, 2}, new int[] {1, 1},
                new int[] {0, 2, 1, 1});
        // few positions, many outputs: summed along the output channels
        bigConv(rng, false, 1, 96, 80, 1, new int[] {7, 5}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 0, 1, 1});
        bigConv(rng, false, 1, 130, 100, 1, new int[] {25, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {0, 0, 0, 0});
        bigConv(rng, true, 1, 40, 70, 1, new int[] {9, 5}, new int[] {4, 3}, new int[] {2, 1}, new int[] {1, 1},
                new int[] {0, 2, 1, 1});
        bigConv(rng, false, 2, 64, 128, 2, new int[] {6, 5}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 0, 1, 1});
        // ... with more positions than one thread's share and outputs in one panel: the positions split too
        bigConv(rng, false, 1, 32, 80, 1, new int[] {20, 8}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {2, 0, 1, 1});
        bigConv(rng, true, 2, 24, 72, 1, new int[] {33, 4}, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {0, 2, 1, 1});
    }

    private static void bigConv(SplittableRandom rng, boolean transpose, int batch, int cin, int cout, int groups,
                                int[] in, int[] kernel, int[] strides, int[] dilations, int[] pad) {
        int[] out = outSpatial(transpose, "custom", in, kernel, strides, dilations, pad);
        long[] xShape = concat(batch, cin, in);
        long[] wShape = transpose ? concat(cin, cout / groups, kernel) : concat(cout, cin / groups, kernel);
        String op = transpose ? "conv_transpose" : "conv";
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, xShape);
        Var w = p.constant("w", IrProgram.floats(wShape, Arrays2.random(rng, (int) product(wShape), 1)));
        Var y = p.op(op, "y", TensorType.of(DataType.FLOAT32, concat(batch, cout, out)),
                "x", x, "weight", w, "strides", IrProgram.intList(strides), "dilations", IrProgram.intList(dilations),
                "pad_type", IrProgram.string("custom"), "pad", IrProgram.intList(pad), "groups", IrProgram.intScalar(groups));
        Model model = p.build(y);
        NdArray input = NdArray.f32(toInts(xShape), Arrays2.random(rng, (int) product(xShape), 1));
        float[] want = run(model, ExecutorBackend.SCALAR, input);
        for (ExecutorBackend fast : Backends.fast()) {
            compare(want, run(model, fast, input), fast, op + " x=" + Arrays.toString(xShape) + " w="
                    + Arrays.toString(wShape) + " s=" + Arrays.toString(strides) + " d=" + Arrays.toString(dilations));
        }
    }

    /** One random conv (or conv_transpose) run on every backend; returns the geometry checked. */
    private static String compareConv(SplittableRandom rng, int index, boolean transpose) {
        int spatial = 1 + rng.nextInt(3);
        int groups = rng.nextInt(3) == 0 ? 2 : 1;
        int cin = groups * (1 + rng.nextInt(4));
        int cout = groups * (1 + rng.nextInt(4));
        int batch = 1 + rng.nextInt(2);
        int[] in = new int[spatial];
        int[] kernel = new int[spatial];
        int[] strides = new int[spatial];
        int[] dilations = new int[spatial];
        int[] pad = new int[2 * spatial];
        String[] padTypes = transpose ? new String[] {"custom", "valid", "same"} : new String[] {"custom", "valid", "same", "same_lower"};
        String padType = padTypes[rng.nextInt(padTypes.length)];
        for (int i = 0; i < spatial; i++) {
            in[i] = 2 + rng.nextInt(spatial == 3 ? 4 : 7);
            kernel[i] = 1 + rng.nextInt(4);
            strides[i] = 1 + rng.nextInt(3);
            dilations[i] = rng.nextInt(4) == 0 ? 2 : 1;
            pad[2 * i] = rng.nextInt(kernel[i]);
            pad[2 * i + 1] = rng.nextInt(kernel[i]);
        }
        int[] out = outSpatial(transpose, padType, in, kernel, strides, dilations, pad);
        for (int o : out) {
            if (o < 1) {
                return compareConv(rng, index, transpose);     // geometry leaves no output: draw again
            }
        }
        long[] xShape = concat(batch, cin, in);
        long[] wShape = transpose ? concat(cin, cout / groups, kernel) : concat(cout, cin / groups, kernel);
        String op = transpose ? "conv_transpose" : "conv";
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, xShape);
        float[] wv = Arrays2.random(rng, (int) product(wShape), 1);
        float[] bv = Arrays2.random(rng, cout, 1);
        Var w = p.constant("w", IrProgram.floats(wShape, wv));
        Var b = p.constant("b", IrProgram.floats(new long[] {cout}, bv));
        Var y = p.op(op, "y", TensorType.of(DataType.FLOAT32, concat(batch, cout, out)),
                "x", x, "weight", w, "bias", b, "strides", IrProgram.intList(strides), "dilations", IrProgram.intList(dilations),
                "pad_type", IrProgram.string(padType), "pad", IrProgram.intList(pad), "groups", IrProgram.intScalar(groups));
        Model model = p.build(y);
        NdArray input = NdArray.f32(toInts(xShape), Arrays2.random(rng, (int) product(xShape), 1));
        String geometry = op + " #" + index + " pad_type=" + padType + " x=" + Arrays.toString(xShape) + " w="
                + Arrays.toString(wShape) + " s=" + Arrays.toString(strides) + " d=" + Arrays.toString(dilations)
                + " pad=" + Arrays.toString(pad) + " groups=" + groups;
        float[] want = run(model, ExecutorBackend.SCALAR, input);
        for (ExecutorBackend fast : Backends.fast()) {
            compare(want, run(model, fast, input), fast, geometry);
        }
        return geometry;
    }

    /** JAVA must give the oracle's bits; the native backend its values within {@link #TOLERANCE}. */
    private static void compare(float[] want, float[] got, ExecutorBackend backend, String what) {
        if (backend == ExecutorBackend.JAVA) {
            assertBitEqual(want, got, what + " JAVA vs SCALAR");
            return;
        }
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < want.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(want[i]));
            maxErr = Math.max(maxErr, Math.abs(want[i] - got[i]));
        }
        double rel = maxErr / Math.max(maxRef, 1e-30);
        assertTrue(rel <= TOLERANCE, what + " " + backend + " vs SCALAR: max abs error / max |ref| = " + rel + " > "
                + TOLERANCE);
    }

    static void assertBitEqual(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + ": element " + i + " differs (" + got[i] + " vs " + want[i] + "); metric: bit equality");
            }
        }
    }

    private static float[] run(Model model, ExecutorBackend backend, NdArray x) {
        return run(model, backend, Map.of("x", x));
    }

    private static float[] run(Model model, ExecutorBackend backend, Map<String, NdArray> inputs) {
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "fastpath", backend)) {
            return e.predict(inputs).get("y").floats();
        }
    }

    /** The output sizes of coreml-mlpackage.md §6.8, computed independently of the executor. */
    private static int[] outSpatial(boolean transpose, String padType, int[] in, int[] k, int[] s, int[] d, int[] pad) {
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            int span = (k[i] - 1) * d[i] + 1;
            if (transpose) {
                int full = (in[i] - 1) * s[i] + span;
                out[i] = switch (padType) {
                    case "valid" -> full;
                    case "same" -> in[i] * s[i];
                    default -> full - pad[2 * i] - pad[2 * i + 1];
                };
            } else {
                out[i] = switch (padType) {
                    case "valid" -> in[i] >= span ? (in[i] - span) / s[i] + 1 : 0;
                    case "same", "same_lower" -> (in[i] + s[i] - 1) / s[i];
                    default -> {
                        int padded = in[i] + pad[2 * i] + pad[2 * i + 1];
                        yield padded >= span ? (padded - span) / s[i] + 1 : 0;
                    }
                };
            }
        }
        return out;
    }

    private static long[] concat(int a, int b, int[] rest) {
        long[] out = new long[2 + rest.length];
        out[0] = a;
        out[1] = b;
        for (int i = 0; i < rest.length; i++) out[2 + i] = rest[i];
        return out;
    }

    private static long product(long[] v) {
        long n = 1;
        for (long x : v) n *= x;
        return n;
    }

    private static int[] toInts(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }
}
