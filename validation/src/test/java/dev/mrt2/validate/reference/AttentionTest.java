package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** §3.3–3.4 on one head of dimension 2, worked out by hand. */
class AttentionTest {
    /** One head, h = 2, per_dim_scale 0 (query scale 1/sqrt 2), sink key [2, 0], sink value [1, 0]. */
    static AttentionWeights oneHead() {
        return new AttentionWeights(new float[] {1, 1}, zeros(), zeros(), zeros(),
                Kernels.queryScale(new float[] {0, 0}), new float[] {2, 0}, new float[] {1, 0}, zeros(),
                new float[] {1, 1}, 1, 1, 2, 2);
    }

    @Test
    void sinkLogitUsesTheUnscaledQueryAndMaskedSlotsGetNothing() {
        // q = [1, 0]: sink logit = q . SK = 2 (no 1/sqrt 2); current key [2, 0]: (q * s) . k = 2 / sqrt 2 = sqrt 2;
        // slot 0 masked. p_sink = 1 / (1 + e^(sqrt 2 - 2)) = 0.6423977758936782, ctx = p_sink [1, 0] + p_cur [0, 1]
        float[] keys = {5, 5, 2, 0};
        float[] values = {100, 100, 0, 1};
        float[] ctx = LayerMath.attend(Kernels.FLOAT32, oneHead(), new float[] {1, 0}, keys, values,
                new boolean[] {false, true}, 2);
        assertEquals(0.6423977758936782, ctx[0], 1e-7);
        assertEquals(1 - 0.6423977758936782, ctx[1], 1e-7);
    }

    @Test
    void aValidSlotJoinsTheSoftmax() {
        // slot 0 now valid with key [0, 0] (logit 0) and value [0, 0]: weights e^2, e^0, e^sqrt2
        float[] ctx = LayerMath.attend(Kernels.FLOAT64, oneHead(), new float[] {1, 0}, new float[] {0, 0, 2, 0},
                new float[] {0, 0, 0, 1}, new boolean[] {true, true}, 2);
        double z = Math.exp(2) + 1 + Math.exp(Math.sqrt(2));
        assertEquals(Math.exp(2) / z, ctx[0], 1e-7);
        assertEquals(Math.exp(Math.sqrt(2)) / z, ctx[1], 1e-7);
    }

    @Test
    void outputKernelIsReadDModelFirst() {
        // Wo [D=2, H*h=2] = [[1, 2], [3, 4]] as the checkpoint stores it, held transposed as AttentionWeights.read
        // holds it ([[1, 3], [2, 4]]): y = Wo . ctx; ctx = [1, 0] -> [1, 3]; post norm RMS([1, 3]) = [1, 3]/sqrt(5)
        Matrix heldWo = Matrix.of(new float[] {1, 3, 2, 4}, 2, 2);
        AttentionWeights w = new AttentionWeights(new float[] {1, 1}, zeros(), zeros(), zeros(),
                new float[] {1, 1}, new float[0], new float[0], heldWo,
                new float[] {1, 1}, 0, 1, 2, 2);
        float[] y = LayerMath.attentionOutput(Kernels.FLOAT64, w, new float[] {10, 20}, new float[] {1, 0});
        assertEquals(10 + 1 / Math.sqrt(5 + 1e-6), y[0], 1e-6);
        assertEquals(20 + 3 / Math.sqrt(5 + 1e-6), y[1], 1e-6);
    }

    private static Matrix zeros() {
        return Matrix.of(new float[4], 2, 2);
    }
}
