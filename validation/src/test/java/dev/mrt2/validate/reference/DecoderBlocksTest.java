package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The codec's building blocks (§4.2–4.3, §14.4) on tiny shapes, against slow oracles written out here. */
class DecoderBlocksTest {

    /**
     * The §4.3 form of a transposed conv: kernel FLIPPED in both axes, full output {@code out[i s + k] += x[i] Wf[k]},
     * then crop time at the end by {@code kt - st}, frequency by {@code floor(r/2)} at the start and the rest at the
     * end, {@code r = kf - sf}. Float64, loops only.
     */
    static Chw flippedFullThenCrop(Chw x, ConvWeights w, int st, int sf) {
        int fullT = (x.time() - 1) * st + w.kt();
        int fullF = (x.freq() - 1) * sf + w.kf();
        double[] full = new double[w.cout() * fullT * fullF];
        for (int o = 0; o < w.cout(); o++) {
            for (int i = 0; i < w.cin(); i++) {
                for (int t = 0; t < x.time(); t++) {
                    for (int f = 0; f < x.freq(); f++) {
                        for (int a = 0; a < w.kt(); a++) {
                            for (int c = 0; c < w.kf(); c++) {
                                float flipped = w.at(o, i, w.kt() - 1 - a, w.kf() - 1 - c);
                                full[(o * fullT + t * st + a) * fullF + f * sf + c] += (double) x.at(i, t, f) * flipped;
                            }
                        }
                    }
                }
            }
        }
        int r = w.kf() - sf;
        int cropStart = r / 2;
        Chw y = Chw.zeros(w.cout(), x.time() * st, x.freq() * sf);
        for (int o = 0; o < w.cout(); o++) {
            for (int t = 0; t < y.time(); t++) {
                for (int f = 0; f < y.freq(); f++) {
                    y.data()[y.index(o, t, f)] = (float) (full[(o * fullT + t) * fullF + f + cropStart] + w.bias()[o]);
                }
            }
        }
        return y;
    }

    @Test
    void nativeTransposeConvEqualsFlippedFullThenCropForEveryCodecKernel() {
        int[][] kernels = {{4, 3, 2, 1}, {4, 4, 2, 2}, {3, 4, 1, 2}, {3, 6, 1, 3}};
        TestWeights rng = new TestWeights(3);
        for (int[] k : kernels) {
            ConvWeights w = rng.conv(3, 2, k[0], k[1]);
            Chw x = rng.chw(2, 5, 4);
            Chw nativeForm = Planes.transposeConv(new ScalarConv2d(), x, w, k[2], k[3]);
            Chw oracle = flippedFullThenCrop(x, w, k[2], k[3]);
            assertEquals(5 * k[2], nativeForm.time());
            assertEquals(4 * k[3], nativeForm.freq());
            TestWeights.assertClose(oracle.data(), nativeForm.data(), 1e-6, "transpose conv " + k[0] + "x" + k[1]);
        }
    }

    /**
     * The phase-split form skips only products of inserted zeros and keeps the order of the others, so on the JVM
     * kernels it gives the literal form's floats exactly: every codec kernel, kernels shorter than their stride (a
     * phase no tap reaches: bias only) and longer ones, inputs past the JVM kernels' blocks.
     */
    @Test
    void transposeConvByPhaseEqualsTheLiteralDilatedForm() {
        int[][] kernels = {{4, 3, 2, 1}, {4, 4, 2, 2}, {3, 4, 1, 2}, {3, 6, 1, 3}, {1, 1, 2, 2}, {2, 3, 3, 2},
                {5, 7, 2, 3}, {1, 2, 3, 3}};
        int[][] inputs = {{2, 5, 4}, {3, 1, 1}, {4, 9, 5}, {67, 12, 30}};
        TestWeights rng = new TestWeights(11);
        try (FastConv2d jvm = FastConv2d.jvm()) {
            for (int[] k : kernels) {
                for (int[] in : inputs) {
                    ConvWeights w = rng.conv(3, in[0], k[0], k[1]);
                    Chw x = rng.chw(in[0], in[1], in[2]);
                    Chw literal = Planes.transposeConvByDilation(jvm, x, w, k[2], k[3]);
                    Chw phased = Planes.transposeConv(jvm, x, w, k[2], k[3]);
                    String what = "kernel " + java.util.Arrays.toString(k) + " input " + java.util.Arrays.toString(in);
                    assertEquals(literal.time(), phased.time(), what);
                    assertEquals(literal.freq(), phased.freq(), what);
                    assertArrayEquals(literal.data(), phased.data(), what);
                }
            }
        }
    }

    @Test
    void aWindowPadsAndCropsWithZeros() {
        Chw x = new Chw(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0},
                Planes.window(x, -1, 4, -1, 4).data());
        assertArrayEquals(new float[] {6, 0}, Planes.window(x, 1, 1, 2, 2).data());
        assertArrayEquals(new float[] {0, 0}, Planes.window(x, 3, 1, 0, 2).data());
    }

    @Test
    void anUnflippedFullFormWouldDisagree() {
        // Guard for the test above: the flip matters for a random asymmetric kernel.
        TestWeights rng = new TestWeights(4);
        ConvWeights w = rng.conv(2, 2, 4, 4);
        ConvWeights flipped = new ConvWeights(new float[w.oihw().length], w.bias(), 2, 2, 4, 4);
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 2; i++) {
                for (int a = 0; a < 4; a++) {
                    for (int c = 0; c < 4; c++) {
                        flipped.oihw()[((o * 2 + i) * 4 + a) * 4 + c] = w.at(o, i, 3 - a, 3 - c);
                    }
                }
            }
        }
        Chw x = rng.chw(2, 3, 3);
        Chw right = Planes.transposeConv(new ScalarConv2d(), x, w, 2, 2);
        Chw wrong = flippedFullThenCrop(x, flipped, 2, 2);
        double worst = 0;
        for (int i = 0; i < right.data().length; i++) {
            worst = Math.max(worst, Math.abs(right.data()[i] - wrong.data()[i]));
        }
        assertTrue(worst > 0.1, "flip not detectable: " + worst);
    }

    /** Both fast kernels (JVM always, native where it loads), small sizes and sizes past every kernel block. */
    @Test
    void fastConvAgreesWithTheScalarLoop() {
        TestWeights rng = new TestWeights(5);
        int[][] sizes = {{3, 4, 3, 3, 7, 9}, {5, 2, 1, 1, 4, 1}, {2, 3, 4, 6, 8, 12}, {4, 2, 7, 7, 9, 10},
                {70, 67, 3, 3, 12, 50}, {9, 130, 1, 1, 30, 33}};
        for (FastConv2d fast : new FastConv2d[] {FastConv2d.jvm(), FastConv2d.fastest()}) {
            try (fast) {
                for (int[] s : sizes) {
                    ConvWeights w = rng.conv(s[1], s[0], s[2], s[3]);
                    Chw x = rng.chw(s[0], s[4], s[5]);
                    Chw expected = new ScalarConv2d().valid(x, w);
                    Chw got = fast.valid(x, w);
                    assertEquals(expected.time(), got.time());
                    assertEquals(expected.freq(), got.freq());
                    TestWeights.assertClose(expected.data(), got.data(), 1e-5,
                            fast.backendName() + " conv " + java.util.Arrays.toString(s));
                }
            }
        }
    }

    @Test
    void strideOneConvIsCausalInTimeAndCentredInFrequency() {
        // 3x3 kernel that picks x[t - 2, f - 1] (kernel index (0, 0) after padding (2, 0) / (1, 1))
        float[] k = new float[9];
        k[0] = 1;
        ConvWeights w = new ConvWeights(k, new float[1], 1, 1, 3, 3);
        Chw x = new Chw(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 1, 4, 3);
        Chw y = Planes.conv(new ScalarConv2d(), x, w);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 4, 5}, y.data());
        // time row t of any stride-1 conv depends only on rows <= t
        ConvWeights r = new TestWeights(6).conv(2, 1, 3, 3);
        Chw a = Planes.conv(new ScalarConv2d(), x, r);
        x.data()[11] = 100;
        Chw b = Planes.conv(new ScalarConv2d(), x, r);
        for (int i = 0; i < 2 * 4 * 3; i++) {
            int t = (i / 3) % 4;
            if (t < 3) {
                assertEquals(a.data()[i], b.data()[i], "row " + t + " saw the future");
            }
        }
    }

    @Test
    void transposeConvIsCausalInTime() {
        // output row t depends only on input rows <= t / st
        TestWeights rng = new TestWeights(8);
        ConvWeights w = rng.conv(2, 2, 4, 4);
        Chw x = rng.chw(2, 4, 3);
        Chw a = Planes.transposeConv(new ScalarConv2d(), x, w, 2, 2);
        x.data()[x.index(1, 3, 2)] += 5;
        Chw b = Planes.transposeConv(new ScalarConv2d(), x, w, 2, 2);
        for (int o = 0; o < 2; o++) {
            for (int t = 0; t < 8; t++) {
                for (int f = 0; f < 6; f++) {
                    boolean same = a.at(o, t, f) == b.at(o, t, f);
                    if (t < 6) {
                        assertTrue(same, "row " + t + " depends on input row 3");
                    }
                }
            }
        }
        assertTrue(a.at(0, 6, 4) != b.at(0, 6, 4) || a.at(1, 7, 5) != b.at(1, 7, 5));
    }

    @Test
    void upsampleDilatePadAndCropByHand() {
        Chw x = new Chw(new float[] {1, 2, 3, 4}, 1, 2, 2);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}, Planes.upsample(x, 1, 3).data());
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                Planes.upsample(x, 2, 2).data());
        assertArrayEquals(new float[] {1, 0, 2, 0, 0, 0, 3, 0, 4}, Planes.dilate(x, 2, 2).data());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 3, 4}, Planes.pad(x, 1, 0, 1, 0).data());
        assertArrayEquals(new float[] {3, 4}, Planes.dropFrontRows(x, 1).data());
        Chw two = new Chw(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        assertArrayEquals(new float[] {5, 6, 7, 8}, Planes.channels(two, 1, 1).data());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4},
                Planes.concatChannels(two, x).data());
        assertArrayEquals(new float[] {(float) Math.expm1(-1), 2}, Planes.elu(new Chw(new float[] {-1, 2}, 1, 1, 2)).data());
    }

    @Test
    void hwioKernelsArePermutedWithoutFlip() {
        // HWIO [kt=2, kf=1, cin=1, cout=2]: element (t, 0, 0, o) = 10 t + o
        ConvWeights w = ConvWeights.fromHwio(new float[] {0, 1, 10, 11}, new float[2], 2, 1, 1, 2);
        assertEquals(0f, w.at(0, 0, 0, 0));
        assertEquals(10f, w.at(0, 0, 1, 0));
        assertEquals(1f, w.at(1, 0, 0, 0));
        assertEquals(11f, w.at(1, 0, 1, 0));
    }

    @Test
    void tiledPermutationPutsEveryElementWhereTheFormulaSays() {
        // sizes past the tile and not multiples of it: every (t, f, i, o) lands at oihw[o][i][t][f]
        int kt = 3, kf = 2, cin = 37, cout = 70;
        float[] hwio = new float[kt * kf * cin * cout];
        for (int n = 0; n < hwio.length; n++) {
            hwio[n] = n;
        }
        ConvWeights w = ConvWeights.fromHwio(hwio, new float[cout], kt, kf, cin, cout);
        for (int t = 0; t < kt; t++) {
            for (int f = 0; f < kf; f++) {
                for (int i = 0; i < cin; i++) {
                    for (int o = 0; o < cout; o++) {
                        assertEquals(hwio[((t * kf + f) * cin + i) * cout + o], w.at(o, i, t, f));
                    }
                }
            }
        }
    }

    @Test
    void eluAndUpsampleOfManyChannelsAreTheElementFormulas() {
        // past ELU's parallel chunk and with several channels and rows: each element as the definition gives it
        int channels = 3, time = 5, freq = 9000;
        float[] data = new float[channels * time * freq];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rng.nextGaussian();
        }
        Chw x = new Chw(data, channels, time, freq);
        float[] elu = Planes.elu(x).data();
        for (int i = 0; i < data.length; i++) {
            assertEquals(Kernels.elu(data[i]), elu[i]);
        }
        Chw up = Planes.upsample(x, 2, 3);
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < 2 * time; t++) {
                for (int f = 0; f < 3 * freq; f++) {
                    assertEquals(x.at(c, t / 2, f / 3), up.at(c, t, f));
                }
            }
        }
    }
}
