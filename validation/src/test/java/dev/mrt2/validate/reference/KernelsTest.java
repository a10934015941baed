package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each §3 building block on inputs small enough to work out by hand. */
class KernelsTest {
    @Test
    void rmsNormUsesMeanSquarePlusEpsilonAndAMultiplicativeScale() {
        // mean(x^2) = (9 + 16) / 2 = 12.5
        float[] y = Kernels.FLOAT32.rmsNorm(new float[] {3, 4}, new float[] {1, 2});
        double inv = 1 / Math.sqrt(12.5 + 1e-6);
        assertEquals(3 * inv, y[0], 1e-6);
        assertEquals(8 * inv, y[1], 1e-6);
    }

    @Test
    void layerNormUsesBiasedVarianceAndAddsTheBias() {
        // mean 2, biased variance ((1)^2 + (1)^2) / 2 = 1
        float[] y = Kernels.FLOAT64.layerNorm(new float[] {1, 3}, new float[] {1, 2}, new float[] {0, 0.5f});
        double inv = 1 / Math.sqrt(1 + 1e-6);
        assertEquals(-inv, y[0], 1e-7);
        assertEquals(2 * inv + 0.5, y[1], 1e-6);
    }

    @Test
    void geluTanhApproximation() {
        // 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))) at z = 1 and -1
        assertEquals(0f, Kernels.geluTanh(0f));
        assertEquals(0.841192f, Kernels.geluTanh(1f), 1e-6f);
        assertEquals(-0.15880801f, Kernels.geluTanh(-1f), 1e-6f);
        // the tanh form differs from the erf form (0.8413447) in the 4th decimal
        assertTrue(Math.abs(Kernels.geluTanh(1f) - 0.8413447f) > 1e-4f);
    }

    @Test
    void softplusQueryScaleIsOneOverRootHAtZero() {
        assertEquals((float) Math.log(2), Kernels.softplus(0f));
        assertEquals(50f, Kernels.softplus(50f), 1e-6f);
        assertEquals(0f, Kernels.softplus(-200f));
        float[] s = Kernels.queryScale(new float[] {0, 0, 0, 1});
        assertEquals(0.5f, s[0], "1.442695041 / sqrt(4) * ln 2 rounds to 1/2 exactly");
        // 1.442695041 / 2 * ln(1 + e)
        assertEquals(0.9473181f, s[3], 1e-7f);
        float[] s128 = Kernels.queryScale(new float[128]);
        assertEquals((float) (1 / Math.sqrt(128)), s128[127]);
    }

    @Test
    void softCapBoundsLogitsAt30() {
        assertEquals(30 * (float) Math.tanh(1), Kernels.softCap(30f), 1e-5f);
        // 30 tanh(1/30) = 1 - 1/2700 + O(1e-7)
        assertEquals(0.9996296f, Kernels.softCap(1f), 1e-6f);
        assertTrue(Kernels.softCap(1e6f) <= 30f);
        assertEquals(-Kernels.softCap(7f), Kernels.softCap(-7f));
    }

    @Test
    void eluIsExpm1BelowZero() {
        assertEquals(2f, Kernels.elu(2f));
        assertEquals((float) Math.expm1(-1), Kernels.elu(-1f));
        assertEquals(-1e-8f, Kernels.elu(-1e-8f), 1e-15f, "expm1 keeps tiny negatives exact");
        assertEquals(-1f, Kernels.elu(-100f));
        assertEquals(-1f, Kernels.elu(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Kernels.elu(Float.NaN)));
    }

    /** The reference's expm1 against the JDK's on a million negative floats, from -2^-149 down to -104. */
    @Test
    void eluRoundsLikeMathExpm1() {
        int differ = 0;
        int checked = 0;
        for (int bits = 0x80000001; bits != 0 && bits <= 0xC2D00000; bits += 1061) {
            float z = Float.intBitsToFloat(bits);
            float want = (float) Math.expm1(z);
            float got = Kernels.elu(z);
            int ulps = Math.abs(Float.floatToIntBits(want) - Float.floatToIntBits(got));
            assertTrue(ulps <= 1, () -> "elu(" + z + ") = " + got + ", Math.expm1 gives " + want);
            differ += ulps;
            checked++;
        }
        assertTrue(checked > 1_000_000, "swept " + checked);
        assertTrue(differ <= 2, differ + " of " + checked + " differ by an ulp");
    }

    @Test
    void softmaxIsShiftInvariantAndIgnoresMinusOneE9() {
        float[] p = {1, 2, -1e9f, 3};
        Kernels.FLOAT32.softmax(p, 4);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.exp(1) / z, p[0], 1e-7);
        assertEquals(0f, p[2]);
        assertEquals(Math.exp(3) / z, p[3], 1e-7);
    }

    @Test
    void vecMatReadsAJaxKernelInOut() {
        // K [in=2, out=3] row-major; y = x K + b
        float[] y = Kernels.FLOAT32.vecMat(new float[] {1, 2}, Matrix.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                new float[] {0.5f, 0, 0});
        assertArrayEquals(new float[] {9.5f, 12, 15}, y);
        // M [rows=2, cols=3] . x
        assertArrayEquals(new float[] {14, 32}, Kernels.FLOAT64.matVec(new float[] {1, 2, 3, 4, 5, 6}, 2, 3,
                new float[] {1, 2, 3}));
    }

    @Test
    void vecMatColumnsSumsEachColumnInTheRowOrderOfAPlainLoop() {
        // wide enough that the float32 path cuts the columns into chunks, and an offset that is no chunk boundary
        int in = 37;
        int out = 1100;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        float[] x = new float[in];
        float[] k = new float[in * out];
        float[] b = new float[out];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < k.length; i++) k[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        int from = 301;
        int count = 650;
        float[] plain = new float[count];
        double[] wide = new double[count];
        for (int j = 0; j < count; j++) {
            float s = 0;
            for (int i = 0; i < in; i++) {
                s += x[i] * k[i * out + from + j];
                wide[j] += (double) x[i] * k[i * out + from + j];
            }
            plain[j] = s + b[from + j];
        }
        // the kernel also sits inside a larger array (a slab), NaN around it: a read outside it shows
        float[] slab = new float[k.length + 300];
        java.util.Arrays.fill(slab, Float.NaN);
        System.arraycopy(k, 0, slab, 123, k.length);
        for (Matrix m : java.util.List.of(Matrix.of(k, in, out), new Matrix(slab, 123, in, out))) {
            assertArrayEquals(plain, Kernels.FLOAT32.vecMatColumns(x, m, b, from, count));
            assertArrayEquals(java.util.Arrays.copyOfRange(Kernels.FLOAT32.vecMat(x, m, b), from, from + count),
                    Kernels.FLOAT32.vecMatColumns(x, m, b, from, count));
            float[] w = Kernels.FLOAT64.vecMatColumns(x, m, b, from, count);
            for (int j = 0; j < count; j++) {
                assertEquals((float) (wide[j] + b[from + j]), w[j]);
            }
        }
    }
}
