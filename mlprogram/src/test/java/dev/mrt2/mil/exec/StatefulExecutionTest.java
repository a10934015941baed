package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.Arrays2.f16;
import static dev.mrt2.mil.exec.Arrays2.i32;
import static dev.mrt2.mil.exec.Arrays2.inputs;
import static dev.mrt2.mil.exec.Arrays2.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.MlPackageBuilder;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An accumulator {@code acc += x} (coreml-mlpackage.md §7.4) written to disk and run through the package reader. */
class StatefulExecutionTest {
    @TempDir
    Path dir;

    /** read_state → add → write_state, plus a gather on an input index placed after the write. */
    private Path accumulator() {
        Path target = dir.resolve("Accumulator.mlpackage");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS18)) {
            MilBuilder b = pkg.builder();
            Var acc = b.state("acc", TensorType.of(DataType.FLOAT16, 1, 4));
            Var x = b.input("x", TensorType.of(DataType.FLOAT16, 1, 4));
            Var pick = b.input("pick", TensorType.of(DataType.INT32, 1));
            Var sum = b.add("sum", b.readState("old", acc), x);
            b.writeState("store", acc, sum);
            b.output("total", b.cast("total_fp32", sum, DataType.FLOAT32));
            b.output("picked", b.gather("picked", sum, pick, 1));
            pkg.commit(b.build(null));
        }
        return target;
    }

    private static NdArray ones() {
        return f16(shape(1, 4), 1, 2, 3, 4);
    }

    @Test
    void statesStartAtZeroPersistAcrossCallsAndReset() {
        try (MlProgramExecutor e = MlProgramExecutor.load(accumulator(), ExecutorBackend.SCALAR)) {
            assertArrayEquals(new float[4], e.states().get("acc").floats());
            for (int call = 1; call <= 3; call++) {
                NdArray total = e.predict(inputs("x", ones(), "pick", i32(shape(1), 3))).get("total");
                assertArrayEquals(new float[] {call, 2 * call, 3 * call, 4 * call}, total.floats(), "call " + call);
            }
            assertEquals(3, e.calls());
            NdArray acc = e.states().get("acc");
            assertEquals(NdArray.Kind.F16, acc.kind());
            assertArrayEquals(new float[] {3, 6, 9, 12}, acc.floats());
            e.resetStates();
            assertArrayEquals(new float[] {1, 2, 3, 4},
                    e.predict(inputs("x", ones(), "pick", i32(shape(1), 0))).get("total").floats());
        }
    }

    @Test
    void theStateHoldsFp16Values() {
        try (MlProgramExecutor e = MlProgramExecutor.load(accumulator(), ExecutorBackend.SCALAR)) {
            e.predict(inputs("x", f16(shape(1, 4), 2048, 2048, 0.1f, 0), "pick", i32(shape(1), 0)));
            e.predict(inputs("x", f16(shape(1, 4), 1, 3, 0.1f, 0), "pick", i32(shape(1), 0)));
            // 2048 + 1 ties down to 2048, 2048 + 3 ties up to 2052; 0.1 is stored as 0.0999755859375
            assertArrayEquals(new float[] {2048, 2052, 0.199951171875f, 0}, e.states().get("acc").floats());
        }
    }

    @Test
    void twoExecutorsKeepSeparateStates() {
        Path pkg = accumulator();
        try (MlProgramExecutor a = MlProgramExecutor.load(pkg, ExecutorBackend.SCALAR);
             MlProgramExecutor b = MlProgramExecutor.load(pkg, ExecutorBackend.SCALAR)) {
            a.predict(inputs("x", ones(), "pick", i32(shape(1), 0)));
            a.predict(inputs("x", ones(), "pick", i32(shape(1), 0)));
            b.predict(inputs("x", ones(), "pick", i32(shape(1), 0)));
            assertArrayEquals(new float[] {2, 4, 6, 8}, a.states().get("acc").floats());
            assertArrayEquals(new float[] {1, 2, 3, 4}, b.states().get("acc").floats());
        }
    }

    @Test
    void aFailedCallLeavesTheStatesAsTheyWere() {
        try (MlProgramExecutor e = MlProgramExecutor.load(accumulator(), ExecutorBackend.SCALAR)) {
            e.predict(inputs("x", ones(), "pick", i32(shape(1), 0)));
            ExecutorException err = assertThrows(ExecutorException.class,
                    () -> e.predict(inputs("x", ones(), "pick", i32(shape(1), 9))));
            assertTrue(err.getMessage().startsWith("Accumulator.mlpackage: op 'picked' (gather): index 9 out of range"),
                    err.getMessage());
            assertEquals(1, e.calls());
            assertArrayEquals(new float[] {1, 2, 3, 4}, e.states().get("acc").floats(), "write_state of the failed call discarded");
        }
    }

    @Test
    void statesSnapshotIsACopy() {
        try (MlProgramExecutor e = MlProgramExecutor.load(accumulator(), ExecutorBackend.SCALAR)) {
            e.predict(inputs("x", ones(), "pick", i32(shape(1), 0)));
            e.states().get("acc").floats()[0] = 99;
            assertEquals(1f, e.states().get("acc").floats()[0]);
        }
    }
}
