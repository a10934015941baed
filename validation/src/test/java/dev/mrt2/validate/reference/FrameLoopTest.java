package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.host.noise.Gumbel;
import dev.mrt2.host.noise.SplitMix64;
import org.junit.jupiter.api.Test;

/** §3.1 / §3.6 host inputs and the per-frame loop. */
class FrameLoopTest {
    static final int D = 16;
    static final int C = 8;
    static final int L = 3;
    static final int V = 6 + C * L;

    static TokenEmbedding embedding() {
        return new TokenEmbedding(new TestWeights(31).normal(V * D, 1), V, D, C);
    }

    @Test
    void sosIsRootDTimesRowZeroAndTheTemporalInputIsTheMeanOfScaledRows() {
        TokenEmbedding e = embedding();
        float[] row0 = e.scaledRow(0);
        assertArrayEquals(row0, e.sos());
        float[] r7 = e.scaledRow(7);
        float[] r20 = e.scaledRow(20);
        float[] r30 = e.scaledRow(29);
        float[] mean = e.temporalInput(new int[] {7, 20, 29});
        for (int i = 0; i < D; i++) {
            assertEquals((r7[i] + r20[i] + r30[i]) / 3f, mean[i]);
        }
        // sqrt(16) = 4 exactly
        TokenEmbedding ones = new TokenEmbedding(new float[V * D], V, D, C);
        assertEquals(0f, ones.sos()[0]);
        float[] table = new float[V * D];
        table[5 * D + 2] = 1.5f;
        assertEquals(6f, new TokenEmbedding(table, V, D, C).scaledRow(5)[2]);
    }

    @Test
    void uniqueIdsAndCodes() {
        TokenEmbedding e = embedding();
        assertEquals(L, e.levels());
        assertEquals(6 + 8 * 2 + 3, e.uniqueId(2, 3));
        assertEquals(3, e.code(6 + 8 * 2 + 3));
        // mrt2_small: level 11, code 1023 -> 12293
        assertEquals(12293, new TokenEmbedding(new float[12294], 12294, 1, 1024).uniqueId(11, 1023));
    }

    @Test
    void rolloutFeedsEachSampledTokenAsTheNextDepthPosition() {
        TokenEmbedding e = embedding();
        DepthReference depth = new DepthReference(new TestWeights(32).depth(D, 6, 2, 2, 3, 12, V), false);
        FrameLoop loop = new FrameLoop(depth, e, new Sampler(C, 4));
        float[] temporal = new TestWeights(33).normal(D, 1);
        float[][] noise = Gumbel.noise(new SplitMix64(5), L, C);
        FrameLoop.Frame frame = loop.rollout(temporal, noise, 1f);
        for (int l = 0; l < L; l++) {
            assertEquals(e.uniqueId(l, frame.codes()[l]), frame.ids()[l]);
        }
        assertArrayEquals(e.temporalInput(frame.ids()), frame.feedback());
        // Teacher forcing with the sampled ids reproduces the logits each level was sampled from.
        float[][] logits = loop.teacherForcedLogits(temporal, frame.ids());
        Sampler sampler = new Sampler(C, 4);
        for (int l = 0; l < L; l++) {
            int from = e.uniqueId(l, 0);
            assertEquals(frame.codes()[l], sampler.sampleCode(java.util.Arrays.copyOfRange(logits[l], from, from + C),
                    noise[l], 1f));
        }
        // At T = 1 both rules pick the same tokens from the same noise.
        assertArrayEquals(frame.ids(), loop.sample(temporal, noise, 1f).ids());
        // Zero noise = argmax per level.
        FrameLoop.Frame greedy = loop.rollout(temporal, Gumbel.zeros(L, C), 1f);
        float[][] greedyLogits = loop.teacherForcedLogits(temporal, greedy.ids());
        for (int l = 0; l < L; l++) {
            int from = e.uniqueId(l, 0);
            for (int c = 0; c < C; c++) {
                assertTrue(greedyLogits[l][from + c] <= greedyLogits[l][greedy.ids()[l]]);
            }
        }
    }
}
