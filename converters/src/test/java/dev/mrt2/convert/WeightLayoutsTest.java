package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mrt2.safetensors.Float16;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The layout moves and weight-only constants against hand-written numbers and plain index loops. */
class WeightLayoutsTest {
    @Test
    void denseKernelInOutBecomesLinearWeightOutIn() {
        // K [in=2, out=3] = [[1, 2, 3], [4, 5, 6]] -> W [3, 2]
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, WeightLayouts.linearWeight(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    }

    @Test
    void bigTransposeMatchesThePlainLoop() {
        int rows = 300, cols = 517;   // not multiples of the tile, above the parallel threshold
        float[] src = random(rows * cols, 1);
        float[] dst = WeightLayouts.transpose(src, rows, cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                assertEquals(src[r * cols + c], dst[c * rows + r]);
            }
        }
    }

    @Test
    void convKernelHwioBecomesOihw() {
        int kt = 3, kf = 2, cin = 70, cout = 130;
        float[] k = random(kt * kf * cin * cout, 2);
        float[] w = WeightLayouts.convWeight(k, kt, kf, cin, cout);
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int i = 0; i < kt; i++) {
                    for (int j = 0; j < kf; j++) {
                        assertEquals(k[((i * kf + j) * cin + ci) * cout + co], w[((co * cin + ci) * kt + i) * kf + j]);
                    }
                }
            }
        }
    }

    @Test
    void transposeConvKernelIsFlippedAndInputChannelsFirst() {
        // kt = 2, kf = 3, cin = 1, cout = 2: K[i][j][0][co] = 10 * (3i + j) + co
        float[] k = new float[2 * 3 * 2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int co = 0; co < 2; co++) {
                    k[(i * 3 + j) * 2 + co] = 10 * (3 * i + j) + co;
                }
            }
        }
        // W[0][co][i][j] = K[1 - i][2 - j][0][co]
        assertArrayEquals(new float[] {50, 40, 30, 20, 10, 0, 51, 41, 31, 21, 11, 1},
                WeightLayouts.convTransposeWeight(k, 2, 3, 1, 2));
    }

    @Test
    void queryScaleAtZeroIsOneOverRootH() {
        float[] s = WeightLayouts.queryScale(new float[16]);
        for (float v : s) {
            assertEquals(0.25f, v, 1e-7f, "1.442695041 * ln 2 / sqrt(16)");
        }
        assertEquals(1.442695041 / 4 * Math.log1p(Math.E), WeightLayouts.queryScale(new float[] {1, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0})[0], 1e-7);
        assertEquals(40.0, WeightLayouts.softplus(40.0), 0.0, "no overflow for large p");
    }

    @Test
    void sinkKeysAreDividedPerHeadDim() {
        float[] out = WeightLayouts.sinkKeysOverScale(new float[] {1, 1, 2, 2}, new float[] {0.5f, 0.25f});
        assertArrayEquals(new float[] {2, 4, 4, 8}, out);
    }

    @Test
    void fastHalfConversionEqualsTheReferenceRounding() {
        // Every 4099th float bit pattern (about a million, all exponents) plus the edges of the fast path.
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += 4099) {
            float v = Float.intBitsToFloat((int) bits);
            assertEquals(Float16.fromFloat(v), FastFloat16.fromFloat(v), "bits 0x" + Long.toHexString(bits));
        }
        float[] edges = {0f, -0f, 0x1p-14f, Math.nextDown(0x1p-14f), 65504f, 65519.996f, 65520f, -65520f, 1f + 0x1p-11f,
                1f + 0x1p-11f + 0x1p-23f, 1f + 3 * 0x1p-11f, Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NaN, 2047.5f, 2048.5f, 4095f, 4097f};
        for (float v : edges) {
            assertEquals(Float16.fromFloat(v), FastFloat16.fromFloat(v), "value " + v);
            assertEquals(Float16.fromFloat(-v), FastFloat16.fromFloat(-v), "value " + -v);
        }
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }
}
