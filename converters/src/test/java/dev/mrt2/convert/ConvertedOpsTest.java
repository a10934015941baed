package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.Float16;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Single ops of the converted tiny packages against values computed here by hand from the checkpoint: weight
 * layouts, folded constants, paddings and the cache update wiring. (Running the graphs is the validation module's job.)
 */
class ConvertedOpsTest {
    private static final Mrt2Dims D = Mrt2Dims.tiny();
    private static final double QUERY_SCALE = 1.442695041;

    @Test
    void transposeConvWeightIsTheKernelFlippedInTimeAndFrequency() {
        Model m = ReadBack.model(DecoderConverter.PACKAGE_NAME);
        float[] k = ReadBack.checkpoint(Mrt2Keys.codec("decoder_1/conv2dtranspose_4x4", "kernel"));   // [4, 4, W, W/2]
        float[] w = ReadBack.floats(m, "decoder_1_conv2dtranspose_4x4_weight");                     // [W, W/2, 4, 4]
        int kt = 4, kf = 4, cin = D.codecTopWidth(), cout = cin / 2;
        for (int ci = 0; ci < cin; ci++) {
            for (int co = 0; co < cout; co++) {
                for (int i = 0; i < kt; i++) {
                    for (int j = 0; j < kf; j++) {
                        float expected = k[(((kt - 1 - i) * kf + (kf - 1 - j)) * cin + ci) * cout + co];
                        assertEquals(expected, w[((ci * cout + co) * kt + i) * kf + j],
                                "W[" + ci + ", " + co + ", " + i + ", " + j + "] = K[kt-1-i, kf-1-j, ci, co]");
                    }
                }
            }
        }
    }

    @Test
    void asymmetricTransposeConvKeepsItsAxes() {
        // 3x6 kernel, strides (1, 3): a swapped or unflipped axis cannot pass.
        Model m = ReadBack.model(DecoderConverter.PACKAGE_NAME);
        float[] k = ReadBack.checkpoint(Mrt2Keys.codec("decoder_4/conv2dtranspose_3x6", "kernel"));
        float[] w = ReadBack.floats(m, "decoder_4_conv2dtranspose_3x6_weight");
        int kt = 3, kf = 6, cin = D.codecTopWidth() / 2, cout = D.codecTopWidth() / 4;
        assertEquals(k.length, w.length);
        int ci = cin - 1, co = 1, i = 0, j = 1;
        assertEquals(k[(((kt - 1 - i) * kf + (kf - 1 - j)) * cin + ci) * cout + co], w[((ci * cout + co) * kt + i) * kf + j]);
        assertArrayEquals(new int[] {0, 2, 1, 2}, ReadBack.ints(m, "decoder_4_conv2dtranspose_3x6_pad"),
                "crop the last kt - st = 2 time rows, (1, 2) = floor/ceil of kf - sf = 3 bins");
        assertArrayEquals(new int[] {1, 3}, ReadBack.ints(m, "decoder_4_conv2dtranspose_3x6_strides"));
    }

    @Test
    void convWeightIsTheHwioKernelPermutedToOihw() {
        Model m = ReadBack.model(DecoderConverter.PACKAGE_NAME);
        float[] k = ReadBack.checkpoint(Mrt2Keys.codec("decoder_0/conv2d_3x3", "kernel"));   // [3, 3, 2W, 2W]
        float[] w = ReadBack.floats(m, "decoder_0_conv2d_3x3_weight");                      // [2W, 2W, 3, 3]
        int c = 2 * D.codecTopWidth();
        for (int co = 0; co < c; co += 7) {
            for (int ci = 0; ci < c; ci += 5) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertEquals(k[((i * 3 + j) * c + ci) * c + co], w[((co * c + ci) * 3 + i) * 3 + j],
                                "W[co, ci, i, j] = K[i, j, ci, co]");
                    }
                }
            }
        }
        assertArrayEquals(ReadBack.checkpoint(Mrt2Keys.codec("decoder_0/conv2d_3x3", "bias")),
                ReadBack.floats(m, "decoder_0_conv2d_3x3_bias"));
    }

    @Test
    void stride1ConvsPadCausallyInTimeAndSymmetricallyInFrequency() {
        Model m = ReadBack.model(DecoderConverter.PACKAGE_NAME);
        assertArrayEquals(new int[] {2, 0, 1, 1}, ReadBack.ints(m, "decoder_0_conv2d_3x3_pad"));
        assertArrayEquals(new int[] {6, 0, 3, 3}, ReadBack.ints(m, "output_layer_base_conv_last_pad"));
        assertArrayEquals(new int[] {0, 0, 0, 0}, ReadBack.ints(m, "input_layer_conv1x1_first_pad"));
        assertArrayEquals(new int[] {0, 2, 1, 1}, ReadBack.ints(m, "decoder_0_conv2dtranspose_4x3_pad"));
        assertArrayEquals(new int[] {2, 1}, ReadBack.ints(m, "decoder_0_conv2dtranspose_4x3_strides"));
    }

    @Test
    void channelGroupsFoldIntoTheBatchAxisAndBack() {
        Model m = ReadBack.model(DecoderConverter.PACKAGE_NAME);
        int t = TinyCheckpoint.FRAMES;
        int w = D.codecTopWidth();
        assertArrayEquals(new int[] {1, 5, w, t}, ReadBack.ints(m, "input_bins_split_shape"),
                "projection channel c -> (bin c / W, channel c % W)");
        assertArrayEquals(new int[] {0, 2, 3, 1}, ReadBack.ints(m, "input_bins_perm"));
        assertArrayEquals(new int[] {2, w, 2 * t, 5}, ReadBack.ints(m, "groups_to_batch_shape"));
        assertArrayEquals(new int[] {1, 4, 4 * t, 480}, ReadBack.ints(m, "batch_to_channels_shape"));
        assertArrayEquals(new int[] {0, 0, 4, 0}, ReadBack.ints(m, "lookahead_crop_begin"));
    }

    @Test
    void queryScaleIsFoldedIntoAConstant() {
        String key = Mrt2Keys.depthLayer(1, Mrt2Keys.perDimScale(Mrt2Keys.SELF));
        float[] p = ReadBack.checkpoint(key);
        float[] depth = ReadBack.floats(ReadBack.model(DepthConverter.PACKAGE_NAME), "l01_self_query_scale");
        assertEquals(p.length, depth.length);
        for (int d = 0; d < p.length; d++) {
            double s = QUERY_SCALE / Math.sqrt(p.length) * Math.log(1 + Math.exp(p[d]));
            assertEquals(s, depth[d], 1e-7 * s, "s_d = 1.442695041 / sqrt(h) * softplus(p_d)");
        }
        float[] pt = ReadBack.checkpoint(Mrt2Keys.temporal(7, Mrt2Keys.perDimScale(Mrt2Keys.CROSS)));
        float[] temporal = ReadBack.floats(ReadBack.model(TemporalConverter.PACKAGE_NAME), "l07_cross_query_scale");
        for (int d = 0; d < pt.length; d++) {
            float s = (float) (QUERY_SCALE / Math.sqrt(pt.length) * Math.log(1 + Math.exp(pt[d])));
            assertEquals(Float16.round(s), temporal[d], "FP16 constant = nearest half of s_d");
        }
    }

    @Test
    void sinkKeyConstantIsTheSinkKeyDividedByTheQueryScale() {
        Model m = ReadBack.model(TemporalConverter.PACKAGE_NAME);
        float[] sk = ReadBack.checkpoint(Mrt2Keys.temporal(3, Mrt2Keys.sinkKey(Mrt2Keys.SELF)));   // [1, H, h]
        float[] p = ReadBack.checkpoint(Mrt2Keys.temporal(3, Mrt2Keys.perDimScale(Mrt2Keys.SELF)));
        float[] c = ReadBack.floats(m, "l03_self_sink_key");                                        // [1, 1, H, h]
        int h = p.length;
        assertEquals(sk.length, c.length);
        for (int i = 0; i < sk.length; i++) {
            double s = QUERY_SCALE / Math.sqrt(h) * Math.log(1 + Math.exp(p[i % h]));
            double expected = sk[i] / s;
            assertEquals(expected, c[i], Math.abs(expected) * 0x1p-10 + 1e-7, "SK / s at " + i);
        }
        assertArrayEquals(halves(ReadBack.checkpoint(Mrt2Keys.temporal(3, Mrt2Keys.sinkValue(Mrt2Keys.SELF)))),
                ReadBack.floats(m, "l03_self_sink_value"), "the sink value is SV as is");
    }

    @Test
    void fp16ConstantsAreTheNearestHalvesOfTheCheckpointValues() {
        Model m = ReadBack.model(TemporalConverter.PACKAGE_NAME);
        int dm = D.temporalDim();
        int heads = D.temporalHeads();
        int h = D.temporalHeadDim();
        // Q kernel [D, H, h] -> linear weight [H * h, D], head-major rows.
        float[] q = ReadBack.checkpoint(Mrt2Keys.temporal(2, Mrt2Keys.query(Mrt2Keys.CROSS)));
        float[] wq = ReadBack.floats(m, "l02_cross_q_weight");
        for (int d = 0; d < dm; d++) {
            for (int n = 0; n < heads; n++) {
                for (int e = 0; e < h; e++) {
                    assertEquals(Float16.round(q[(d * heads + n) * h + e]), wq[(n * h + e) * dm + d]);
                }
            }
        }
        // Output projection [D, H, h] is already [out, in].
        assertArrayEquals(halves(ReadBack.checkpoint(Mrt2Keys.temporal(2, Mrt2Keys.outputProjection(Mrt2Keys.CROSS)))),
                ReadBack.floats(m, "l02_cross_out_weight"));
        // Dense kernel [D, F] -> [F, D]; bias as is.
        float[] k1 = ReadBack.checkpoint(Mrt2Keys.temporal(11, Mrt2Keys.FFN1_KERNEL));
        float[] w1 = ReadBack.floats(m, "l11_ffn_layer1_weight");
        int f = D.temporalFfn();
        for (int d = 0; d < dm; d += 3) {
            for (int j = 0; j < f; j += 5) {
                assertEquals(Float16.round(k1[d * f + j]), w1[j * dm + d]);
            }
        }
        assertArrayEquals(halves(ReadBack.checkpoint(Mrt2Keys.temporal(11, Mrt2Keys.FFN1_BIAS))),
                ReadBack.floats(m, "l11_ffn_layer1_bias"));
        assertArrayEquals(halves(ReadBack.checkpoint(Mrt2Keys.temporal(0, Mrt2Keys.preNorm(Mrt2Keys.SELF)))),
                ReadBack.floats(m, "l00_self_pre_norm_scale"));
    }

    @Test
    void depthCausalMaskHidesLaterPositions() {
        float[] mask = ReadBack.floats(ReadBack.model(DepthConverter.PACKAGE_NAME), "causal_mask");
        assertEquals(144, mask.length);
        for (int row = 0; row < 12; row++) {
            for (int col = 0; col < 12; col++) {
                assertEquals(col <= row ? 0f : -1e9f, mask[row * 12 + col], "mask[" + row + "][" + col + "]");
            }
        }
        Model m = ReadBack.model(DepthConverter.PACKAGE_NAME);
        assertEquals(D.depthLayers(), ReadBack.ops(m).stream()
                .filter(o -> o.type().equals("add") && "causal_mask".equals(o.inputName("y"))).count());
    }

    @Test
    void depthLogitsAreSoftCappedAt30() {
        Model m = ReadBack.model(DepthConverter.PACKAGE_NAME);
        Operation out = ReadBack.op(m, "depth_logits");
        assertEquals("mul", out.type());
        assertArrayEquals(new float[] {30f}, ReadBack.floats(m, out.inputName("y")));
        assertEquals("tanh", ReadBack.op(m, out.inputName("x")).type());
        assertArrayEquals(halvesOrSame(ReadBack.checkpoint(Mrt2Keys.depth("to_logits/bias")), false),
                ReadBack.floats(m, "to_logits_bias"));
    }

    @Test
    void everyCacheIsReadOnceAndWrittenBackShiftedByOneRow() {
        Model m = ReadBack.model(TemporalConverter.PACKAGE_NAME);
        List<Operation> ops = ReadBack.ops(m);
        for (String state : Mrt2Keys.cacheNames(12)) {
            List<Operation> reads = ops.stream().filter(o -> o.type().equals("read_state")
                    && state.equals(o.inputName("input"))).toList();
            List<Operation> writes = ops.stream().filter(o -> o.type().equals("write_state")
                    && state.equals(o.inputName("input"))).toList();
            assertEquals(1, reads.size(), state + " reads");
            assertEquals(1, writes.size(), state + " writes");
            Operation next = ReadBack.op(m, writes.get(0).inputName("data"));
            assertEquals("concat", next.type());
            List<String> parts = next.inputs().get("values").stream().map(b -> b.name()).toList();
            assertEquals(2, parts.size());
            Operation kept = ReadBack.op(m, parts.get(0));
            assertEquals("slice_by_index", kept.type());
            assertEquals(reads.get(0).output().name(), kept.inputName("x"), "the kept rows come from the cache read");
            assertArrayEquals(new int[] {0, 1, 0, 0}, ReadBack.ints(m, kept.inputName("begin")), "row 0 dropped");
            assertArrayEquals(new int[] {1, 41, 4, 16}, ReadBack.ints(m, kept.inputName("end")));
            assertTrue(parts.get(1).endsWith("_row"), "the current frame's K/V row is appended last: " + parts.get(1));
            assertArrayEquals(new int[] {1}, ReadBack.ints(m, next.inputName("axis")));
        }
    }

    @Test
    void hostBiasIsAddedToTheScoresOfEveryAttentionBlock() {
        Model m = ReadBack.model(TemporalConverter.PACKAGE_NAME);
        List<Operation> biased = ReadBack.ops(m).stream()
                .filter(o -> o.type().equals("add") && "cache_valid_bias".equals(o.inputName("y"))).toList();
        assertEquals(24, biased.size(), "12 layers x (self, cross)");
        for (Operation add : biased) {
            Operation scores = ReadBack.op(m, add.inputName("x"));
            assertEquals("matmul", scores.type());
            assertTrue(ReadBack.op(m, scores.inputName("x")).name().endsWith("_q_scaled"), "scores use the scaled query");
            Operation keys = ReadBack.op(m, ReadBack.op(m, scores.inputName("y")).inputName("x"));
            List<String> rows = keys.inputs().get("values").stream().map(b -> b.name()).toList();
            assertTrue(rows.get(0).endsWith("_sink_key") && rows.get(2).endsWith("_k_row"),
                    "keys = [SK / s, cache, current]: " + rows);
        }
    }

    private static float[] halves(float[] values) {
        return halvesOrSame(values, true);
    }

    private static float[] halvesOrSame(float[] values, boolean round) {
        float[] out = values.clone();
        if (round) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Float16.round(out[i]);
            }
        }
        return out;
    }
}
