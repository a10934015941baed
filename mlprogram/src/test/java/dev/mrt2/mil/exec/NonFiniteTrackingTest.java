package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.Arrays2.f16;
import static dev.mrt2.mil.exec.Arrays2.inputs;
import static dev.mrt2.mil.exec.Arrays2.shape;
import static dev.mrt2.mil.exec.OpHarness.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NonFiniteTrackingTest {
    /** x·300 → + 6000 → relu, all fp16. */
    private static MlProgramExecutor chain() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT16, 2);
        Var scaled = h.b.mul("scaled", x, h.f16("k", s(1), 300));
        Var shifted = h.b.add("shifted", scaled, h.f16("c", s(1), 6000));
        Var y = h.b.relu("y", shifted);
        return MlProgramExecutor.forModel(h.model(y), "chain", ExecutorBackend.SCALAR);
    }

    @Test
    void namesTheFirstOpInProgramOrderAndTheCallItHappenedIn() {
        try (MlProgramExecutor e = chain()) {
            e.predict(inputs("x", f16(shape(2), 1, 2)));
            assertTrue(e.firstNonFinite().isEmpty());
            // 200·300 = 60000 still fits; 60000 + 6000 does not: 'shifted' is first, relu after it inherits the inf
            NdArray y = e.predict(inputs("x", f16(shape(2), 200, 1))).get("y");
            assertEquals(Float.POSITIVE_INFINITY, y.floats()[0]);
            assertEquals(new NonFiniteOp("shifted", "add", 1), e.firstNonFinite().orElseThrow());
            // a later call that overflows an earlier op does not replace the first record
            e.predict(inputs("x", f16(shape(2), 1000, 1)));
            assertEquals(new NonFiniteOp("shifted", "add", 1), e.firstNonFinite().orElseThrow());
        }
    }

    @Test
    void nanCountsAsNonFinite() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1);
        Var d = h.b.sub("d", x, x);
        try (MlProgramExecutor e = MlProgramExecutor.forModel(h.model(d), "nan", ExecutorBackend.SCALAR)) {
            e.predict(inputs("x", NdArray.f32(shape(1), new float[] {Float.POSITIVE_INFINITY})));
            assertEquals(new NonFiniteOp("d", "sub", 0), e.firstNonFinite().orElseThrow());
        }
    }

    /**
     * Ops that only move elements are not looked at again when everything they move was already looked at, so the
     * first op that holds a NaN or an infinity must still be found when it arrives from an input or a constant.
     */
    @Test
    void moversOfAnInputOrConstantStillReportTheirNonFiniteValues() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2);
        Var r = h.b.reshape("r", x, 2, 1);
        Var c = h.b.concat("c", 0, r, h.f32("k", s(1, 1), Float.NEGATIVE_INFINITY));
        dev.mrt2.mil.Model model = h.model(c);
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "movers", ExecutorBackend.SCALAR)) {
            e.predict(inputs("x", NdArray.f32(shape(2), new float[] {1, Float.NaN})));
            assertEquals(new NonFiniteOp("r", "reshape", 0), e.firstNonFinite().orElseThrow(),
                    "a reshape of a NaN input holds the NaN");
        }
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "movers", ExecutorBackend.SCALAR)) {
            e.predict(inputs("x", NdArray.f32(shape(2), new float[] {1, 2})));
            assertEquals(new NonFiniteOp("c", "concat", 0), e.firstNonFinite().orElseThrow(),
                    "a concat of finite values and an infinite constant holds the infinity");
        }
    }

    /** A bounded op (relu) of an infinite input holds the infinity; with tracking off nothing is recorded, and on again it is. */
    @Test
    void boundedOpsOfNonFiniteInputsAndTrackingOff() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2);
        Var y = h.b.relu("y", x);
        dev.mrt2.mil.Model model = h.model(y);
        try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "bounded", ExecutorBackend.SCALAR)) {
            e.trackNonFinite(false);
            e.predict(inputs("x", NdArray.f32(shape(2), new float[] {Float.POSITIVE_INFINITY, 1})));
            assertTrue(e.firstNonFinite().isEmpty(), "nothing is looked at while tracking is off");
            e.trackNonFinite(true);
            e.predict(inputs("x", NdArray.f32(shape(2), new float[] {Float.POSITIVE_INFINITY, 1})));
            assertEquals(new NonFiniteOp("y", "relu", 1), e.firstNonFinite().orElseThrow());
        }
    }

    @Test
    void observersSeeEveryComputedOutputForHeadroom() {
        Map<String, Float> largest = new TreeMap<>();
        List<String> order = new ArrayList<>();
        try (MlProgramExecutor e = chain()) {
            e.addObserver((name, type, out) -> {
                order.add(name + ":" + type);
                float m = 0;
                for (float v : out.floats()) m = Math.max(m, Math.abs(v));
                largest.merge(name, m, Math::max);
            });
            e.predict(inputs("x", f16(shape(2), 100, -2)));
        }
        assertEquals(List.of("scaled:mul", "shifted:add", "y:relu"), order, "constants are not reported");
        assertEquals(30000f, largest.get("scaled"));
        assertEquals(36000f, largest.get("shifted"));
        assertEquals(36000f, largest.get("y"));
    }
}
