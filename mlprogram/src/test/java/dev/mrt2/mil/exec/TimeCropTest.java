package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TimeCrop} against the whole program: every row range of the output of a small causal decoder built like the
 * SpectroStream one (the time axis moved by transpose, expand_dims and reshapes, causal and dilated convs,
 * a transposed conv that doubles the rate, a tile upsample merged by a reshape, a residual add, channels moved to the
 * batch, a lookahead slice), in float32 and binary16, on every backend: the cropped rows are the whole program's, bit
 * for bit. Programs that mix rows are refused with the op named.
 */
class TimeCropTest {
    static final int T = 12;
    static final int E = 6;
    /** Output rows: 2T from the transposed conv, less the lookahead slice's 2. */
    static final int ROWS = 2 * T - 2;

    static Model decoder(DataType type) {
        OpHarness h = new OpHarness();
        SplittableRandom rng = new SplittableRandom(11);
        Var x = h.b.cast("x16", h.in("x", DataType.FLOAT32, 1, T, E), type);
        Var nchw = h.b.expandDims("nchw", h.b.transpose("cf", x, 0, 2, 1), 3);                  // [1, E, T, 1]
        Var wide = h.b.conv("wide", nchw, w(h, "wide_w", type, rng, 8, E, 1, 1), w(h, "wide_b", type, rng, 8),
                new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 1);                // [1, 8, T, 1]
        Var bins = h.b.transpose("bins", h.b.reshape("split", wide, 1, 2, 4, T), 0, 2, 3, 1);  // [1, 4, T, 2]
        Var causal = h.b.conv("causal", h.b.elu("elu_a", bins, 1f), w(h, "causal_w", type, rng, 4, 4, 3, 3),
                w(h, "causal_b", type, rng, 4), new int[] {1, 1}, new int[] {2, 0, 1, 1}, new int[] {1, 1}, 1);
        Var dilated = h.b.conv("dilated", h.b.elu("elu_b", causal, 1f), w(h, "dilated_w", type, rng, 4, 4, 3, 1),
                null, new int[] {1, 1}, new int[] {4, 0, 0, 0}, new int[] {2, 1}, 1);
        Var residual = h.b.add("residual", bins, dilated);
        Var up = h.b.convTranspose("up", h.b.elu("elu_c", residual, 1f), w(h, "up_w", type, rng, 4, 3, 4, 3),
                w(h, "up_b", type, rng, 3), new int[] {2, 1}, new int[] {0, 2, 1, 1}, 1);          // [1, 3, 2T, 2]
        Var side = h.b.conv("side", residual, w(h, "side_w", type, rng, 3, 4, 1, 1), null, new int[] {1, 1},
                new int[] {0, 0, 0, 0}, new int[] {1, 1}, 1);                                      // [1, 3, T, 2]
        Var tiled = h.b.tile("side_tile", h.b.expandDims("side_axis", side, 3), 1, 1, 1, 2, 1);
        Var sum = h.b.add("sum", up, h.b.reshape("side_up", tiled, 1, 3, 2 * T, 2));
        Var pair = h.b.conv("pair", sum, w(h, "pair_w", type, rng, 3, 3, 2, 1), null, new int[] {1, 1},
                new int[] {1, 0, 0, 0}, new int[] {1, 1}, 1);
        Var batch = h.b.reshape("to_batch", h.b.add("sum2", sum, pair), 3, 1, 2 * T, 2);
        Var crop = h.b.sliceByIndex("lookahead", batch, new int[] {0, 0, 2, 0}, new int[] {3, 1, 2 * T, 2});
        Var out = h.b.transpose("channels_last", crop, 1, 2, 3, 0);                          // [1, ROWS, 2, 3]
        return h.model(h.b.cast("y", out, DataType.FLOAT32));
    }

    private static Var w(OpHarness h, String name, DataType type, SplittableRandom rng, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = Arrays2.random(rng, n, 0.6);
        return type == DataType.FLOAT16 ? h.f16(name, shape, v) : h.f32(name, shape, v);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT32", "FLOAT16"})
    void everyRowRangeIsTheWholeProgramsRowsBitForBit(String dtype) {
        Model model = decoder(DataType.valueOf(dtype));
        Map<String, NdArray> in = Map.of("x", NdArray.f32(new int[] {1, T, E},
                Arrays2.random(new SplittableRandom(3), T * E, 2)));
        List<ExecutorBackend> backends = new ArrayList<>(Backends.fast());
        backends.add(ExecutorBackend.SCALAR);
        for (ExecutorBackend backend : backends) {
            try (MlProgramExecutor whole = MlProgramExecutor.forModel(model, "whole", backend)) {
                float[] all = whole.predict(in).get("y").floats();
                int row = all.length / ROWS;
                for (int from = 0; from < ROWS; from++) {
                    for (int to = from + 1; to <= ROWS; to++) {
                        Model cropped = TimeCrop.crop(model, "x", 1, "y", 1, from, to);
                        FeatureDescription y = cropped.description().outputs().get(0);
                        assertEquals(TensorType.of(DataType.FLOAT32, 1, to - from, 2, 3), y.type());
                        try (MlProgramExecutor part = whole.sharing(cropped, "part")) {
                            float[] got = part.predict(in).get("y").floats();
                            float[] want = Arrays.copyOfRange(all, from * row, to * row);
                            assertArrayEquals(bits(want), bits(got), backend + " " + dtype + " rows " + from + ".." + to);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theLaterRowsReadOnlyTheRowsTheyNeed() {
        Model cropped = TimeCrop.crop(decoder(DataType.FLOAT32), "x", 1, "y", 1, ROWS - 4, ROWS);
        // rows 18..21 of y: rows 20..23 of sum2, so 19..23 of sum (the pair conv looks one back); those read rows 8..11
        // of the residual through the transposed conv (9..11 through the tile); rows 4..11 of the causal conv through
        // the dilated one, so 2..11 of the input layer
        assertEquals(4, rows(cropped, "y", 1));
        assertEquals(5, rows(cropped, "sum", 2));
        assertEquals(4, rows(cropped, "residual", 2));
        assertEquals(10, rows(cropped, "wide", 2));
    }

    private static long rows(Model m, String op, int axis) {
        return m.program().main().block().operations().stream().filter(o -> o.name().equals(op)).findFirst()
                .orElseThrow().output().tensorType().dim(axis);
    }

    @Test
    void programsThatMixRowsAreRefusedNamingTheOp() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, T, E);
        Var mean = h.b.reduceMean("mean", x, new int[] {1}, true);
        Model pooled = h.model(h.b.sub("centered", x, mean));
        TimeCrop.Unsupported e = assertThrows(TimeCrop.Unsupported.class,
                () -> TimeCrop.crop(pooled, "x", 1, "centered", 1, 2, 5));
        assertTrue(e.getMessage().contains("'mean' (reduce_mean)"), e.getMessage());

        OpHarness g = new OpHarness();
        Var y = g.in("x", DataType.FLOAT32, 1, T, E);   // time on the channel axis of the conv
        Var conv = g.b.conv("conv", y, g.f32("w", OpHarness.s(2, T, 1), new float[2 * T]), null, new int[] {1},
                new int[] {0, 0}, new int[] {1}, 1);
        Model channels = g.model(conv);
        e = assertThrows(TimeCrop.Unsupported.class, () -> TimeCrop.crop(channels, "x", 1, "conv", 1, 0, 1));
        assertTrue(e.getMessage().contains("'conv' (conv)"), e.getMessage());
    }

    @Test
    void aSharingExecutorTakesOnlyTheProgramsOwnConstants() {
        Model model = decoder(DataType.FLOAT32);
        OpHarness other = new OpHarness();
        Var x = other.in("x", DataType.FLOAT32, 1, T, E);
        Model foreign = other.model(other.b.add("y", x, other.f32("wide_w", OpHarness.s(1), 1f)));
        try (MlProgramExecutor whole = MlProgramExecutor.forModel(model, "whole", ExecutorBackend.JAVA)) {
            ExecutorException e = assertThrows(ExecutorException.class, () -> whole.sharing(foreign, "foreign"));
            assertTrue(e.getMessage().contains("const 'wide_w'"), e.getMessage());
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToIntBits(v[i]);
        }
        return b;
    }
}
