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

    /**
     * Generations sampled together (the reference's arms in lockstep) get bit for bit what each gets alone, in float32
     * and float64 accumulation; wide enough that the depth body's row sums are cut into chunks and run in parallel.
     */
    @Test
    void generationsSampledTogetherGetWhatEachGetsAlone() {
        int d = 64;
        int c = 300;
        int v = 6 + c * L;
        TokenEmbedding e = new TokenEmbedding(new TestWeights(41).normal(v * d, 1), v, d, c);
        for (boolean wide : new boolean[] {false, true}) {
            DepthReference depth = new DepthReference(new TestWeights(42).depth(d, 64, 2, 4, 16, 512, v), wide);
            FrameLoop loop = new FrameLoop(depth, e, new Sampler(c, 40));
            float[][] temporal = TemporalReferenceTest.inputs(43, 3, d);
            float[][][] noise = {Gumbel.noise(new SplitMix64(7), L, c), Gumbel.noise(new SplitMix64(8), L, c),
                    Gumbel.zeros(L, c)};
            float[] temperatures = {1f, 1.3f, 0f};
            FrameLoop.Frame[] together = loop.sampleEach(temporal, noise, temperatures);
            for (int i = 0; i < 3; i++) {
                FrameLoop.Frame alone = loop.sample(temporal[i], noise[i], temperatures[i]);
                assertArrayEquals(alone.ids(), together[i].ids(), "generation " + i);
                assertArrayEquals(alone.feedback(), together[i].feedback(), "generation " + i);
            }
            DepthReference.Session a = depth.session(L);
            DepthReference.Session b = depth.session(L);
            DepthReference.Session aAlone = depth.session(L);
            DepthReference.Session bAlone = depth.session(L);
            float[][] pa = TemporalReferenceTest.inputs(44, L, d);
            float[][] pb = TemporalReferenceTest.inputs(45, L, d);
            for (int level = 0; level < L; level++) {
                int from = e.uniqueId(level, 0);
                float[][] both = depth.nextEach(new DepthReference.Session[] {a, b},
                        new float[][] {pa[level], pb[level]}, from, c);
                assertArrayEquals(aAlone.next(pa[level], from, c), both[0], "wide " + wide + ", level " + level);
                assertArrayEquals(bAlone.next(pb[level], from, c), both[1], "wide " + wide + ", level " + level);
            }
            DepthReference.Session s = depth.session(L);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> depth.nextEach(
                    new DepthReference.Session[] {s, s}, new float[][] {pa[0], pb[0]}, 0, c));
        }
    }
}
