package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.safetensors.Float16;
import org.junit.jupiter.api.Test;

/** Streaming semantics of §3.5: ring self-cache, shift cross-cache, 41-frame window, wrap after 41 steps. */
class TemporalReferenceTest {
    static final int D = 8;
    static final int S = 3;
    static final int STEPS = 50;

    static TemporalWeights weights() {
        return new TestWeights(7).temporal(2, D, 2, 4, S, 16);
    }

    static float[][] inputs(long seed, int steps, int width) {
        TestWeights rng = new TestWeights(seed);
        float[][] x = new float[steps][];
        for (int s = 0; s < steps; s++) {
            x[s] = rng.normal(width, 1);
        }
        return x;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void matchesANaiveChronologicalWindowOf41PastTheWrap() {
        TemporalWeights w = weights();
        TemporalReference ref = new TemporalReference(w, TemporalReference.Options.DEFAULT);
        NaiveTemporal oracle = new NaiveTemporal(w, 41);
        NaiveTemporal window40 = new NaiveTemporal(w, 40);
        NaiveTemporal window42 = new NaiveTemporal(w, 42);
        float[][] x = inputs(1, STEPS, D);
        float[][] src = inputs(2, STEPS, S);
        for (int s = 0; s < STEPS; s++) {
            float[] got = ref.step(x[s], src[s]);
            float[] expected = oracle.step(x[s], src[s]);
            float[] off40 = window40.step(x[s], src[s]);
            float[] off42 = window42.step(x[s], src[s]);
            assertTrue(maxAbsDiff(got, expected) < 2e-5, "step " + s + ": " + maxAbsDiff(got, expected));
            // A window off by one is visible from the first step where the windows hold different frames.
            if (s >= 41) {
                assertTrue(maxAbsDiff(got, off40) > 1e-4, "step " + s + " cannot tell window 41 from 40");
            }
            if (s >= 42) {
                assertTrue(maxAbsDiff(got, off42) > 1e-4, "step " + s + " cannot tell window 41 from 42");
            }
        }
        assertEquals(STEPS, ref.steps());
    }

    @Test
    void selfCacheIsARingAtStepMod41AndCrossCacheKeepsTheLast41InOrder() {
        TemporalWeights w = weights();
        TemporalReference ref = new TemporalReference(w, TemporalReference.Options.DEFAULT);
        NaiveTemporal oracle = new NaiveTemporal(w, 41);
        float[][] x = inputs(3, 45, D);
        float[][] src = inputs(4, 45, S);
        for (int s = 0; s < 3; s++) {
            ref.step(x[s], src[s]);
            oracle.step(x[s], src[s]);
        }
        KvWindow self = ref.selfCache(1);
        KvWindow cross = ref.crossCache(1);
        for (int r = 0; r < 41; r++) {
            assertEquals(r < 3, self.valid[r], "self row " + r + " after 3 steps");
            assertEquals(r >= 38, cross.valid[r], "cross row " + r + " after 3 steps");
        }
        for (int s = 3; s < 45; s++) {
            ref.step(x[s], src[s]);
            oracle.step(x[s], src[s]);
        }
        assertEquals(45 % 41, self.nextRow());
        int width = 8;
        for (int s = 4; s < 45; s++) {
            // ring: step s lives in row s mod 41; shift: step s lives in row 40 - (44 - s)
            assertRow(oracle.selfKeys.get(1).get(s), self.keys, s % 41, width, "self step " + s);
            assertRow(oracle.crossKeys.get(1).get(s), cross.keys, 40 - (44 - s), width, "cross step " + s);
        }
        for (int r = 0; r < 41; r++) {
            assertTrue(self.valid[r] && cross.valid[r]);
        }
    }

    static void assertRow(double[] expected, float[] rows, int row, int width, String what) {
        for (int i = 0; i < width; i++) {
            assertEquals(expected[i], rows[row * width + i], 1e-5, what + " column " + i);
        }
    }

    @Test
    void resetReproducesAFreshSessionBitForBit() {
        TemporalReference ref = new TemporalReference(weights(), TemporalReference.Options.DEFAULT);
        float[][] x = inputs(5, 3, D);
        float[][] src = inputs(6, 3, S);
        float[] first = ref.step(x[0], src[0]);
        ref.step(x[1], src[1]);
        float[] third = ref.step(x[2], src[2]);
        ref.reset();
        assertEquals(0, ref.steps());
        assertArrayEquals(first, ref.step(x[0], src[0]));
        assertFalse(java.util.Arrays.equals(first, third));
    }

    @Test
    void historyChangesTheOutput() {
        // Fresh-vs-warmed (§8.1): the same step-2 inputs with and without history must differ.
        TemporalReference warm = new TemporalReference(weights(), TemporalReference.Options.DEFAULT);
        TemporalReference fresh = new TemporalReference(weights(), TemporalReference.Options.DEFAULT);
        float[][] x = inputs(8, 2, D);
        float[][] src = inputs(9, 2, S);
        warm.step(x[0], src[0]);
        assertTrue(maxAbsDiff(warm.step(x[1], src[1]), fresh.step(x[1], src[1])) > 1e-3);
    }

    @Test
    void fp16CacheOptionStoresHalfPrecisionValuesAndStaysClose() {
        TemporalWeights w = weights();
        TemporalReference exact = new TemporalReference(w, TemporalReference.Options.DEFAULT);
        TemporalReference rounded = new TemporalReference(w, new TemporalReference.Options(true, false));
        float[][] x = inputs(10, 45, D);
        float[][] src = inputs(11, 45, S);
        double worst = 0;
        boolean anyDifferent = false;
        for (int s = 0; s < 45; s++) {
            float[] a = exact.step(x[s], src[s]);
            float[] b = rounded.step(x[s], src[s]);
            worst = Math.max(worst, maxAbsDiff(a, b));
            anyDifferent |= !java.util.Arrays.equals(a, b);
        }
        assertTrue(anyDifferent, "FP16 rounding of the caches must show");
        assertTrue(worst < 2e-2, "FP16 caches drift too far: " + worst);
        for (float v : rounded.selfCache(0).keys) {
            assertEquals(Float16.round(v), v, "cached key is not FP16-representable");
        }
        for (float v : rounded.crossCache(1).values) {
            assertEquals(Float16.round(v), v);
        }
    }

    @Test
    void float64AccumulationAgreesWithFloat32() {
        TemporalWeights w = weights();
        TemporalReference f32 = new TemporalReference(w, TemporalReference.Options.DEFAULT);
        TemporalReference f64 = new TemporalReference(w, new TemporalReference.Options(false, true));
        float[][] x = inputs(12, 5, D);
        float[][] src = inputs(13, 5, S);
        for (int s = 0; s < 5; s++) {
            assertTrue(maxAbsDiff(f32.step(x[s], src[s]), f64.step(x[s], src[s])) < 1e-5);
        }
    }

    /**
     * Layer-major evaluation gives each frame exactly what single steps give: teacher-forced runs split over two calls
     * (the second continuing the first's caches past the 41-frame wrap), and two sessions advancing in lockstep.
     * Wide enough that the row sums are cut into chunks and run in parallel.
     */
    @Test
    void teacherForcedStepsAndLockstepSessionsEqualSingleStepsBitForBit() {
        TemporalWeights w = new TestWeights(11).temporal(2, 64, 4, 16, 24, 512);
        float[][] x = inputs(3, STEPS, 64);
        float[][] y = inputs(5, STEPS, 64);
        float[][] src = inputs(4, STEPS, 24);
        float[][] src2 = inputs(6, STEPS, 24);
        for (TemporalReference.Options o : new TemporalReference.Options[] {TemporalReference.Options.DEFAULT,
                new TemporalReference.Options(true, false), new TemporalReference.Options(false, true)}) {
            TemporalReference singleA = new TemporalReference(w, o);
            TemporalReference singleB = new TemporalReference(w, o);
            float[][] expectedA = new float[STEPS][];
            float[][] expectedB = new float[STEPS][];
            for (int s = 0; s < STEPS; s++) {
                expectedA[s] = singleA.step(x[s], src[s]);
                expectedB[s] = singleB.step(y[s], src2[s]);
            }
            TemporalReference forced = new TemporalReference(w, o);
            float[][] head = forced.steps(java.util.Arrays.copyOfRange(x, 0, 30), java.util.Arrays.copyOfRange(src, 0, 30));
            float[][] tail = forced.steps(java.util.Arrays.copyOfRange(x, 30, STEPS),
                    java.util.Arrays.copyOfRange(src, 30, STEPS));
            assertEquals(STEPS, forced.steps());
            TemporalReference a = new TemporalReference(w, o);
            TemporalReference b = new TemporalReference(w, o);
            for (int s = 0; s < STEPS; s++) {
                assertArrayEquals(expectedA[s], s < 30 ? head[s] : tail[s - 30], o + ", teacher-forced step " + s);
                float[][] both = TemporalReference.stepEach(new TemporalReference[] {a, b}, new float[][] {x[s], y[s]},
                        new float[][] {src[s], src2[s]});
                assertArrayEquals(expectedA[s], both[0], o + ", lockstep session a, step " + s);
                assertArrayEquals(expectedB[s], both[1], o + ", lockstep session b, step " + s);
            }
        }
    }

    @Test
    void lockstepSessionsMustShareTheirWeights() {
        TemporalReference a = new TemporalReference(weights(), TemporalReference.Options.DEFAULT);
        TemporalReference b = new TemporalReference(weights(), TemporalReference.Options.DEFAULT);
        float[][] x = inputs(1, 2, D);
        float[][] src = inputs(2, 2, S);
        assertThrows(IllegalArgumentException.class,
                () -> TemporalReference.stepEach(new TemporalReference[] {a, b}, x, src));
    }
}
