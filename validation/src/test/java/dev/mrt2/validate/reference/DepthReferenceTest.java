package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** §3.6: causal over the given positions, soft-capped, incremental == whole sequence. */
class DepthReferenceTest {
    static final int D = 8;
    static final int V = 6 + 3 * 4;

    static DepthReference depth() {
        return new DepthReference(new TestWeights(21).depth(D, 6, 2, 2, 3, 12, V), false);
    }

    @Test
    void positionJSeesOnlyPositions0ToJ() {
        DepthReference depth = depth();
        float[][] positions = TemporalReferenceTest.inputs(1, 4, D);
        float[][] before = depth.logits(positions);
        positions[3] = new TestWeights(99).normal(D, 1);
        float[][] after = depth.logits(positions);
        for (int j = 0; j < 3; j++) {
            assertArrayEquals(before[j], after[j], "row " + j + " changed when position 3 changed");
        }
        assertFalse(java.util.Arrays.equals(before[3], after[3]));
        positions[0] = new TestWeights(98).normal(D, 1);
        float[][] changedFirst = depth.logits(positions);
        for (int j = 0; j < 4; j++) {
            assertFalse(java.util.Arrays.equals(after[j], changedFirst[j]), "row " + j + " must see position 0");
        }
    }

    @Test
    void sessionRowsEqualTheWholeSequenceRowsAndAreSoftCapped() {
        DepthReference depth = depth();
        float[][] positions = TemporalReferenceTest.inputs(2, 5, D);
        float[][] all = depth.logits(positions);
        DepthReference.Session s = depth.session(5);
        for (int j = 0; j < 5; j++) {
            assertArrayEquals(all[j], s.next(positions[j]));
            assertEquals(V, all[j].length);
            for (float z : all[j]) {
                assertTrue(Math.abs(z) < 30f);
            }
        }
        assertThrows(IllegalStateException.class, () -> s.next(positions[0]));
    }

    @Test
    void aLevelsColumnsAreThoseOfTheFullLogits() {
        for (boolean wide : new boolean[] {false, true}) {
            DepthReference depth = new DepthReference(new TestWeights(21).depth(D, 6, 2, 2, 3, 12, V), wide);
            float[][] positions = TemporalReferenceTest.inputs(3, 4, D);
            DepthReference.Session full = depth.session(4);
            DepthReference.Session sliced = depth.session(4);
            for (int j = 0; j < 4; j++) {
                int from = 6 + 4 * (j % 3);
                float[] all = full.next(positions[j]);
                assertArrayEquals(java.util.Arrays.copyOfRange(all, from, from + 4), sliced.next(positions[j], from, 4),
                        "position " + j + (wide ? ", float64 sums" : ""));
            }
        }
    }

    @Test
    void singlePositionMatchesAHandWrittenFloat64Pass() {
        // One position attends only to itself, so attention = softmax over one slot = its value.
        TestWeights rng = new TestWeights(5);
        DepthWeights w = rng.depth(D, 6, 1, 2, 3, 12, V);
        float[] x = rng.normal(D, 1);
        double[] y = NaiveTemporal.dense(NaiveTemporal.toDouble(x), w.adapter().copy(), 6);
        AttentionWeights a = w.layers().get(0).attention();
        double[] v = NaiveTemporal.dense(NaiveTemporal.rms(y, a.preNorm()), a.value().copy(), 6);
        double[] o = new double[6];
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 6; c++) {
                o[r] += a.output().at(c, r) * v[c];
            }
        }
        y = NaiveTemporal.add(y, NaiveTemporal.rms(o, a.postNorm()));
        FfnWeights f = w.layers().get(0).ffn();
        double[] h = NaiveTemporal.dense(NaiveTemporal.rms(y, f.preNorm()), f.w1().copy(), 12);
        for (int i = 0; i < 12; i++) {
            double z = h[i] + f.b1()[i];
            h[i] = 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
        }
        double[] g = NaiveTemporal.dense(h, f.w2().copy(), 6);
        for (int i = 0; i < 6; i++) {
            g[i] += f.b2()[i];
        }
        y = NaiveTemporal.add(y, NaiveTemporal.rms(g, f.postNorm()));
        double mean = 0;
        for (double e : y) {
            mean += e / 6;
        }
        double var = 0;
        for (double e : y) {
            var += (e - mean) * (e - mean) / 6;
        }
        double[] ln = new double[6];
        for (int i = 0; i < 6; i++) {
            ln[i] = (y[i] - mean) / Math.sqrt(var + 1e-6) * w.finalScale()[i] + w.finalBias()[i];
        }
        double[] z = NaiveTemporal.dense(ln, w.logits().copy(), V);
        float[] got = new DepthReference(w, false).logits(new float[][] {x})[0];
        for (int i = 0; i < V; i++) {
            assertEquals(30 * Math.tanh((z[i] + w.logitsBias()[i]) / 30), got[i], 1e-4, "logit " + i);
        }
    }
}
