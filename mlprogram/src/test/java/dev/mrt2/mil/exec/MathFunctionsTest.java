package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The double-precision helpers Java lacks or has only slowly: erf, and expm1 through the exp intrinsic. */
class MathFunctionsTest {
    @Test
    void matchesTabulatedValues() {
        // reference values: Abramowitz & Stegun table 7.1 / high-precision evaluations
        assertEquals(0.0, Erf.erf(0.0), 0);
        assertEquals(0.1124629160182849, Erf.erf(0.1), 1e-15);
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, Erf.erf(2.0), 1e-15);
        assertEquals(0.9995930479825550, Erf.erf(2.5), 1e-15);
        assertEquals(0.9999779095030014, Erf.erf(3.0), 1e-15);
        assertEquals(0.9999999845827421, Erf.erf(4.0), 1e-15);
        assertEquals(-0.8427007929497149, Erf.erf(-1.0), 1e-15);
        assertEquals(1.0, Erf.erf(7.0), 0);
    }

    @Test
    void fastExpm1AgreesWithMathExpm1ToAFloatUlp() {
        for (double v = -20; v <= 1; v += 1e-3) {
            check(v);
        }
        for (double v = 1e-9; v < 1e-2; v *= 1.01) {
            check(v);
            check(-v);
        }
        check(0.0);
        check(-1e-5);
        check(Math.nextDown(-1e-5));
    }

    private static void check(double v) {
        float want = (float) Math.expm1((float) v);
        float got = (float) UnaryOps.expm1((float) v);
        assertTrue(Math.abs(want - got) <= Math.ulp(want), "expm1(" + (float) v + "): " + got + " vs " + want);
    }

    @Test
    void branchFreeEluGivesTheBitsOfTheBranchingOne() {
        // every 997th float32 bit pattern (both signs, subnormals, the clamp below -88, infinities, NaN) and the edges
        int n = (int) ((1L << 32) / 997) + 8;
        float[] in = new float[n];
        for (int i = 0; i < n - 8; i++) {
            in[i] = Float.intBitsToFloat((int) (i * 997L));
        }
        float[] edges = {0f, -0f, -88f, Math.nextUp(-88f), Math.nextDown(-88f), Float.NEGATIVE_INFINITY, Float.NaN,
                -Float.MIN_VALUE};
        System.arraycopy(edges, 0, in, n - 8, 8);
        for (double alpha : new double[] {1.0, 0.7, 0.0, 1.5, -0.5}) {
            float[] out = new float[n];
            UnaryOps.eluRange(in, out, 0, n, alpha);
            for (int i = 0; i < n; i++) {
                float v = in[i];
                float want = UnaryOps.elu(v, alpha);
                float got = out[i];
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), () -> "elu(" + v + "): " + got
                        + " vs " + want);
            }
        }
    }

    @Test
    void continuousWhereTheMethodsMeet() {
        double below = Erf.erf(Math.nextDown(2.5));
        double at = Erf.erf(2.5);
        assertTrue(Math.abs(at - below) < 1e-14, "series and continued fraction disagree at 2.5: " + below + " vs " + at);
    }
}
