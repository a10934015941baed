package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Folded movers ({@link MoverFusion}) against the same program run op by op: a KV-cache attention step as the temporal
 * body writes it (sink, cache and current row concatenated then transposed; the cache shifted by a slice and a
 * concat), plus movers that must not fold (a slice read twice, a concat that is also an output, an interleaved
 * concat, a slice that squeezes an axis and one on a non-leading block). Five calls with state carried, outputs and
 * states compared bit for bit with the scalar oracle and with the same backend while an observer watches every op
 * (which turns folding off).
 */
class MoverFusionTest {
    private static final int ROWS = 3;
    private static final int HEADS = 2;
    private static final int DIM = 4;

    private static Model attentionStep() {
        OpHarness h = new OpHarness(Opset.IOS18);
        Var cache = h.b.state("cache", TensorType.of(DataType.FLOAT16, 1, ROWS, HEADS, DIM));
        Var x = h.b.cast("x16", h.in("x", DataType.FLOAT32, 1, 1, HEADS, DIM), DataType.FLOAT16);
        Var q = h.b.cast("q16", h.in("q", DataType.FLOAT32, 1, HEADS, 1, DIM), DataType.FLOAT16);
        Var sink = h.f16("sink", OpHarness.s(1, 1, HEADS, DIM), 0.5f, -0.25f, 1, 2, -0f, 0, 3, -4);
        Var past = h.b.readState("past", cache);
        // folds: the transpose writes the concat's inputs in place
        Var keys = h.b.transpose("keys", h.b.concat("key_rows", 1, sink, past, x), 0, 2, 1, 3);
        Var scores = h.b.matmul("scores", q, keys, false, true);
        // folds: the concat reads the slice straight from the cache
        Var kept = h.b.sliceByIndex("kept", past, new int[] {0, 1, 0, 0}, new int[] {1, ROWS, HEADS, DIM});
        h.b.writeState("shift", cache, h.b.concat("next", 1, kept, x));
        // must not fold: a slice read twice, and a concat that is also an output
        Var twice = h.b.sliceByIndex("twice", past, new int[] {0, 0, 0, 0}, new int[] {1, 2, HEADS, DIM});
        Var shown = h.b.concat("shown", 1, twice, twice);
        Var shownT = h.b.transpose("shown_t", shown, 0, 2, 1, 3);
        // folds, but not on one block per input: the slice is taken on axis 2 of a [1, 3, 2, 4] value
        Var heads = h.b.sliceByIndex("head0", past, new int[] {0, 0, 0, 0}, new int[] {1, ROWS, 1, DIM});
        Var inner = h.b.concat("inner", 2, h.b.sliceByIndex("head1", past, new int[] {0, 0, 1, 0},
                new int[] {1, ROWS, 2, DIM}), heads);
        return h.model(scores, shown, shownT, inner);
    }

    @Test
    void foldedMoversGiveTheSameBitsAsTheProgramAsWritten() {
        Model model = attentionStep();
        SplittableRandom rng = new SplittableRandom(5);
        List<Map<String, NdArray>> inputs = new ArrayList<>();
        for (int call = 0; call < 5; call++) {
            inputs.add(Map.of("x", NdArray.f32(new int[] {1, 1, HEADS, DIM}, Arrays2.random(rng, HEADS * DIM, 4)),
                    "q", NdArray.f32(new int[] {1, HEADS, 1, DIM}, Arrays2.random(rng, HEADS * DIM, 1))));
        }
        List<String> oracle = run(model, ExecutorBackend.SCALAR, false, inputs);
        for (ExecutorBackend fast : Backends.fast()) {
            try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "fold", fast)) {
                assertEquals(4, e.foldedMovers(), "key_rows into keys, kept into next, head1 and head0 into inner");
            }
            assertEquals(oracle, run(model, fast, false, inputs), fast + " with movers folded");
            assertEquals(oracle, run(model, fast, true, inputs), fast + " watched, op by op");
        }
    }

    /** Every output of every call and the final state, as exact bit patterns. */
    private static List<String> run(Model model, ExecutorBackend backend, boolean watched,
                                    List<Map<String, NdArray>> inputs) {
        List<String> out = new ArrayList<>();
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "fold", backend)) {
            if (watched) {
                e.addObserver((name, type, value) -> { });
            }
            for (Map<String, NdArray> in : inputs) {
                e.predict(in).forEach((name, v) -> out.add(name + " " + v.kind() + " " + bits(v)));
            }
            out.add("cache " + bits(e.states().get("cache")));
        }
        return out;
    }

    private static String bits(NdArray v) {
        StringBuilder s = new StringBuilder(java.util.Arrays.toString(v.shape()));
        for (float f : v.floats()) {
            s.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(f)));
        }
        return s.toString();
    }
}
