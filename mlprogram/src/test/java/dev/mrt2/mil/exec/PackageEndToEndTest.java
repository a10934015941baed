package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.Arrays2.f16;
import static dev.mrt2.mil.exec.Arrays2.f32;
import static dev.mrt2.mil.exec.Arrays2.inputs;
import static dev.mrt2.mil.exec.Arrays2.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.MlPackageBuilder;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small FP16 network with weights in weight.bin, written to disk, read back and run. */
class PackageEndToEndTest {
    @TempDir
    Path dir;
    private Path pkg;
    private Model inMemory;

    /** fp32 x [1, 3, 8] → cast fp16 → linear 8→16 → gelu → conv over the sequence → layer_norm → cast fp32. */
    private static Model build(MilBuilder b) {
        SplittableRandom rng = new SplittableRandom(5);
        Var x = b.input("x", TensorType.of(DataType.FLOAT32, 1, 3, 8));
        Var h = b.cast("x_fp16", x, DataType.FLOAT16);
        Var w = b.constant("w", TensorType.of(DataType.FLOAT16, 16, 8), Arrays2.random(rng, 128, 0.5));
        Var bias = b.constant("bias", TensorType.of(DataType.FLOAT16, 16), Arrays2.random(rng, 16, 0.1));
        h = b.gelu("act", b.linear("proj", h, w, bias), "TANH_APPROXIMATION");
        h = b.transpose("nct", h, 0, 2, 1);
        Var k = b.constant("k", TensorType.of(DataType.FLOAT16, 16, 16, 2), Arrays2.random(rng, 512, 0.3));
        h = b.conv("causal", h, k, null, new int[] {1}, new int[] {1, 0}, new int[] {1}, 1);
        h = b.transpose("ntc", h, 0, 2, 1);
        h = b.layerNorm("norm", h, new int[] {-1}, null, null, 1e-5f);
        b.output("y", b.cast("y_fp32", h, DataType.FLOAT32));
        return b.build(null);
    }

    @BeforeEach
    void write() {
        pkg = dir.resolve("Tiny.mlpackage");
        try (MlPackageBuilder p = MlPackageBuilder.create(pkg, Opset.IOS18)) {
            p.commit(build(p.builder()));
        }
        inMemory = build(new MilBuilder(Opset.IOS18, new MemoryWeights()));
    }

    private static NdArray input() {
        return NdArray.f32(shape(1, 3, 8), Arrays2.random(new SplittableRandom(9), 24, 2));
    }

    @Test
    void aPackageOnDiskComputesWhatTheInMemoryProgramComputes() {
        NdArray fromDisk;
        try (MlProgramExecutor e = MlProgramExecutor.load(pkg, ExecutorBackend.SCALAR)) {
            fromDisk = e.predict(Map.of("x", input())).get("y");
            assertEquals(NdArray.Kind.F32, fromDisk.kind());
            assertArrayEquals(new int[] {1, 3, 16}, fromDisk.shape());
        }
        try (MlProgramExecutor e = MlProgramExecutor.forModel(inMemory, "memory", ExecutorBackend.SCALAR)) {
            assertArrayEquals(e.predict(Map.of("x", input())).get("y").floats(), fromDisk.floats());
        }
    }

    @Test
    void everyBackendGivesTheSameFp16Result() {
        float[] want;
        try (MlProgramExecutor e = MlProgramExecutor.load(pkg, ExecutorBackend.SCALAR)) {
            want = e.predict(Map.of("x", input())).get("y").floats();
        }
        for (ExecutorBackend backend : Backends.fast()) {
            try (MlProgramExecutor e = MlProgramExecutor.load(pkg, backend)) {
                float[] got = e.predict(Map.of("x", input())).get("y").floats();
                double max = 0;
                for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - got[i]));
                // fp16 outputs: a different summation order may move a value across a rounding boundary, one half ulp
                assertEquals(0.0, max, 0.01, backend + " vs SCALAR: max abs error of fp16 layer_norm output");
            }
        }
    }

    @Test
    void inputsAreCheckedAgainstTheDescription() {
        try (MlProgramExecutor e = MlProgramExecutor.load(pkg, ExecutorBackend.SCALAR)) {
            assertEquals("Tiny.mlpackage: missing input 'x' (fp32[1, 3, 8])",
                    assertThrows(ExecutorException.class, () -> e.predict(Map.of())).getMessage());
            assertEquals("Tiny.mlpackage: unknown input 'z'; inputs are [x]",
                    assertThrows(ExecutorException.class, () -> e.predict(inputs("x", input(), "z", input()))).getMessage());
            assertEquals("Tiny.mlpackage: input 'x': expected fp32[1, 3, 8], got f16[1, 3, 8]",
                    assertThrows(ExecutorException.class,
                            () -> e.predict(Map.of("x", f16(shape(1, 3, 8), new float[24])))).getMessage());
            assertEquals("Tiny.mlpackage: input 'x': expected fp32[1, 3, 8], got f32[3, 8]",
                    assertThrows(ExecutorException.class,
                            () -> e.predict(Map.of("x", f32(shape(3, 8), new float[24])))).getMessage());
            assertEquals(0, e.calls());
        }
    }
}
