package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MlProgramExecutor#predictAll} runs a batch of calls op by op, with one product per linear layer for the whole
 * batch ({@link LinearBatch}); each call must get the oracle's bits and the bits of the same call run alone, with
 * grouped and lone linears, fp32 and fp16 weights (float32 panels and binary16 ones), one row and several per call.
 * The executor's bookkeeping (calls, the first non-finite op) must end as after the calls in turn.
 */
class BatchedPredictTest {
    private static final int CALLS = 5;

    /** One row and several, fp32 and fp16 weights, fp16 weights held binary16 ({@link OpHarness#sweepLinearCases}). */
    @Test
    void everyCallOfABatchGetsTheBitsItGetsAlone() {
        OpHarness.sweepLinearCases(7, BatchedPredictTest::check);
    }

    /** Calls 1 and 3 overflow, call 3 at an earlier op: the batch names call 1's op, as the calls in turn do. */
    @Test
    void theFirstNonFiniteOpIsTheEarliestCallsAsInTurn() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT16, 1, 4);
        Var early = h.b.mul("early", x, 1000f);
        Var late = h.b.mul("late", h.b.add("shift", early, 30000f), 2f);
        Model model = h.model(late);
        List<Map<String, NdArray>> inputs = new ArrayList<>();
        float[][] values = {{1, 1, 1, 1}, {3, 1, 1, 1}, {1, 2, 2, 1}, {70, 70, 70, 70}, {0, 0, 0, 0}};
        for (float[] v : values) {
            inputs.add(Map.of("x", NdArray.f16(new int[] {1, 4}, v)));
        }
        Optional<NonFiniteOp> inTurn;
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "overflow", ExecutorBackend.JAVA)) {
            inputs.forEach(e::predict);
            inTurn = e.firstNonFinite();
        }
        assertTrue(inTurn.isPresent(), "calls 1 and 3 overflow");
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "overflow", ExecutorBackend.JAVA)) {
            e.predictAll(inputs);
            assertEquals(inTurn, e.firstNonFinite());
            assertEquals(new NonFiniteOp("late", "mul", 1), e.firstNonFinite().orElseThrow());
            assertEquals(CALLS, e.calls());
        }
    }

    /** Lanes of a stateful program: each lane's outputs and states are those of its own executor, step by step. */
    @Test
    void lanesStepIndependentStatesWithTheBitsOfSeparateExecutors() {
        SplittableRandom rng = new SplittableRandom(41);
        OpHarness h = new OpHarness();
        Var acc = h.b.state("acc", TensorType.of(DataType.FLOAT16, 1, 6));
        Var x = h.in("x", DataType.FLOAT16, 1, 6);
        Var sum = h.b.add("sum", h.b.readState("old", acc), x);
        Var mixed = h.b.linear("mixed", sum, h.randomWeight("w", DataType.FLOAT16, 6, 6, rng),
                h.randomWeight("bias", DataType.FLOAT16, 6, 0, rng));
        h.b.writeState("store", acc, mixed);
        Model model = h.model(mixed);
        int lanes = 3;
        int steps = 4;
        try (MlProgramExecutor batch = MlProgramExecutor.forModel(model, "lanes", ExecutorBackend.JAVA)) {
            MlProgramExecutor.Lanes l = batch.lanes(lanes);
            List<MlProgramExecutor> alone = new ArrayList<>();
            for (int i = 0; i < lanes; i++) {
                alone.add(MlProgramExecutor.forModel(model, "alone", ExecutorBackend.JAVA));
            }
            try {
                for (int step = 0; step < steps; step++) {
                    List<Map<String, NdArray>> inputs = new ArrayList<>();
                    for (int i = 0; i < lanes; i++) {
                        inputs.add(Map.of("x", NdArray.f16(new int[] {1, 6}, Arrays2.random(rng, 6, 1))));
                    }
                    List<Map<String, NdArray>> got = l.predict(inputs);
                    for (int i = 0; i < lanes; i++) {
                        FastPathTest.assertBitEqual(alone.get(i).predict(inputs.get(i)).get("mixed").floats(),
                                got.get(i).get("mixed").floats(), "lane " + i + ", step " + step);
                    }
                }
            } finally {
                alone.forEach(MlProgramExecutor::close);
            }
            assertEquals(lanes * steps, batch.calls());
            assertEquals(0f, batch.states().get("acc").floats()[0], "the executor's own states are not a lane's");
        }
    }

    /** {@code predict --steps} of a program without states runs its steps in batches: the same stacked bits. */
    @Test
    void steppedPredictOfAProgramWithoutStatesGivesTheCallsInTurn() {
        SplittableRandom rng = new SplittableRandom(43);
        int k = 19;
        int steps = 40;   // more than one batch, the last one short
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT16, 1, k);
        Var y = h.b.linear("y", h.b.relu("r", x), h.randomWeight("w", DataType.FLOAT16, 23, k, rng),
                h.randomWeight("bias", DataType.FLOAT16, 23, 0, rng));
        Model model = h.model(y);
        NdArray all = NdArray.f16(new int[] {steps, 1, k}, Arrays2.random(rng, steps * k, 1));
        NdArray stacked;
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "stepped", ExecutorBackend.JAVA)) {
            stacked = SteppedPredict.steps(e, Map.of("x", all), steps, "in.npz", note -> { }).get("y");
            assertEquals(steps, e.calls());
        }
        assertEquals(List.of(steps, 1, 23), java.util.Arrays.stream(stacked.shape()).boxed().toList());
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "alone", ExecutorBackend.JAVA)) {
            for (int s = 0; s < steps; s++) {
                float[] row = java.util.Arrays.copyOfRange(all.floats(), s * k, (s + 1) * k);
                float[] want = e.predict(Map.of("x", NdArray.f16(new int[] {1, k}, row))).get("y").floats();
                FastPathTest.assertBitEqual(want, java.util.Arrays.copyOfRange(stacked.floats(), s * 23, (s + 1) * 23),
                        "step " + s);
            }
        }
    }

    /** A batch holds every call's op outputs at once: its size keeps them within the budget it is given. */
    @Test
    void batchesStayWithinTheirMemoryBudget() {
        SplittableRandom rng = new SplittableRandom(47);
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, 19);
        Var y = h.b.linear("y", h.b.relu("r", x), h.randomWeight("w", DataType.FLOAT32, 23, 19, rng), null);
        Model model = h.model(y);
        long perCall = 4L * (19 + 23);   // relu's and linear's outputs
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "budget", ExecutorBackend.JAVA)) {
            assertEquals(5, e.callsPerBatch(32, 5 * perCall + 3));
            assertEquals(32, e.callsPerBatch(32, 1L << 30));
            assertEquals(1, e.callsPerBatch(32, 1));
        }
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "oracle", ExecutorBackend.SCALAR)) {
            assertEquals(1, e.callsPerBatch(32, 1L << 30), "the oracle runs every call alone");
        }
    }

    @Test
    void aProgramWithStatesIsRefused() {
        OpHarness h = new OpHarness();
        Var acc = h.b.state("acc", TensorType.of(DataType.FLOAT16, 1, 4));
        Var x = h.in("x", DataType.FLOAT16, 1, 4);
        Var sum = h.b.add("sum", h.b.readState("old", acc), x);
        h.b.writeState("store", acc, sum);
        Model model = h.model(sum);
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "accumulator", ExecutorBackend.JAVA)) {
            NdArray in = NdArray.f16(new int[] {1, 4}, new float[4]);
            ExecutorException ex = assertThrows(ExecutorException.class,
                    () -> e.predictAll(List.of(Map.of("x", in), Map.of("x", in))));
            assertTrue(ex.getMessage().contains("states"), ex.getMessage());
            assertEquals(1, e.callsPerBatch(32, 1L << 30), "stepped predictions of a stateful program run in turn");
        }
    }

    private static void check(int rows, DataType type, SplittableRandom rng) {
        int k = 37;
        OpHarness h = new OpHarness();
        Var x = h.in("x", type, 1, rows, k);
        Var a = h.b.linear("a", x, h.randomWeight("wa", type, 1029, k, rng), null);
        Var b = h.b.linear("b", x, h.randomWeight("wb", type, 5, k, rng), h.randomWeight("bb", type, 5, 0, rng));
        Var lone = h.b.linear("lone", h.b.gelu("g", h.b.reshape("xr", x, 1, rows, k), "EXACT"),
                h.randomWeight("wl", type, 4100, k, rng), h.randomWeight("bl", type, 4100, 0, rng));
        Var next = h.b.linear("next", h.b.relu("r", b), h.randomWeight("wn", type, 9, 5, rng), null);
        Model model = h.model(a, next, lone);
        List<Map<String, NdArray>> inputs = new ArrayList<>();
        for (int c = 0; c < CALLS; c++) {
            float[] values = Arrays2.random(rng, rows * k, 1);
            inputs.add(Map.of("x", type == DataType.FLOAT16 ? NdArray.f16(new int[] {1, rows, k}, values)
                    : NdArray.f32(new int[] {1, rows, k}, values)));
        }
        List<Map<String, NdArray>> batch;
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "batch", ExecutorBackend.JAVA)) {
            batch = e.predictAll(inputs);
            assertEquals(CALLS, e.calls());
        }
        assertEquals(CALLS, batch.size());
        for (int c = 0; c < CALLS; c++) {
            Map<String, NdArray> oracle = run(model, ExecutorBackend.SCALAR, inputs.get(c));
            Map<String, NdArray> alone = run(model, ExecutorBackend.JAVA, inputs.get(c));
            for (String out : new String[] {"a", "next", "lone"}) {
                String what = "'" + out + "' of call " + c + ", " + rows + " row(s), " + type + " weights";
                FastPathTest.assertBitEqual(oracle.get(out).floats(), batch.get(c).get(out).floats(),
                        what + ": batch vs scalar");
                FastPathTest.assertBitEqual(alone.get(out).floats(), batch.get(c).get(out).floats(),
                        what + ": batch vs alone");
            }
        }
    }

    private static Map<String, NdArray> run(Model model, ExecutorBackend backend, Map<String, NdArray> inputs) {
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "alone", backend)) {
            return e.predict(inputs);
        }
    }
}
