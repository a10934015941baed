package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.Arrays2.f16;
import static dev.mrt2.mil.exec.Arrays2.f32;
import static dev.mrt2.mil.exec.Arrays2.inputs;
import static dev.mrt2.mil.exec.Arrays2.shape;
import static dev.mrt2.mil.exec.OpHarness.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-computed linear algebra and convolutions, on every backend (they must all agree with these numbers). */
class LinearAndConvOpsTest {
    @ParameterizedTest
    @MethodSource("dev.mrt2.mil.exec.Backends#available")
    void linearAddsBiasAfterTheProduct(ExecutorBackend backend) {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, 2);
        Var y = h.b.linear("y", x, h.f32("w", s(3, 2), 1, 0, 2, 3, -1, 1), h.f32("b", s(3), 0.5f, 0, 1));
        assertArrayEquals(new float[] {1.5f, 8, 2}, h.run(backend, inputs("x", f32(shape(1, 2), 1, 2)), y).get("y").floats());
    }

    @ParameterizedTest
    @MethodSource("dev.mrt2.mil.exec.Backends#available")
    void matmulTransposesAndBroadcastsBatch(ExecutorBackend backend) {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 1, 2);
        Var y = h.in("y", DataType.FLOAT32, 3, 2);
        Var p = h.b.matmul("p", x, y, false, true);            // [2,1,2] · [3,2]ᵀ → [2,1,3]
        Var q = h.b.matmul("q", x, x, true, false);            // [2,2,1] · [2,1,2] → [2,2,2]
        Map<String, NdArray> out = h.run(backend, inputs("x", f32(shape(2, 1, 2), 1, 2, 3, 4),
                "y", f32(shape(3, 2), 1, 0, 0, 1, 1, 1)), p, q);
        assertArrayEquals(new float[] {1, 2, 3, 3, 4, 7}, out.get("p").floats());
        assertArrayEquals(new float[] {1, 2, 2, 4, 9, 12, 12, 16}, out.get("q").floats());
    }

    /** out[i] = x[i−1] − x[i+1] with one zero on each side; stride 2 keeps positions 0, 2, 4. */
    @ParameterizedTest
    @MethodSource("dev.mrt2.mil.exec.Backends#available")
    void conv1dCustomPaddingStrideAndBias(ExecutorBackend backend) {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, 1, 5);
        Var w = h.f32("w", s(1, 1, 3), 1, 0, -1);
        Var c1 = h.b.conv("c1", x, w, h.f32("b", s(1), 10), new int[] {1}, new int[] {1, 1}, new int[] {1}, 1);
        Var c2 = h.b.conv("c2", x, w, null, new int[] {2}, new int[] {1, 1}, new int[] {1}, 1);
        Var c3 = h.b.conv("c3", x, w, null, new int[] {1}, new int[] {2, 0}, new int[] {1}, 1);   // causal
        Map<String, NdArray> out = h.run(backend, inputs("x", f32(shape(1, 1, 5), 1, 2, 3, 4, 5)), c1, c2, c3);
        assertArrayEquals(new float[] {8, 8, 8, 8, 14}, out.get("c1").floats());
        assertArrayEquals(new float[] {-2, -2, 4}, out.get("c2").floats());
        assertArrayEquals(new float[] {-1, -2, -2, -2, -2}, out.get("c3").floats());
    }

    /** Two groups with dilation 2: each output channel sees only its own input channel, taps two apart. */
    @ParameterizedTest
    @MethodSource("dev.mrt2.mil.exec.Backends#available")
    void conv2dGroupsAndDilation(ExecutorBackend backend) {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, 2, 3, 3);
        Var w = h.f32("w", s(2, 1, 2, 2), 1, 0, 0, 1, 0, 1, 1, 0);
        Var c = h.b.conv("c", x, w, null, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {2, 2}, 2);
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90};
        NdArray out = h.run(backend, inputs("x", f32(shape(1, 2, 3, 3), in)), c).get("c");
        // channel 0: x[0,0] + x[2,2] = 1 + 9; channel 1: x[0,2] + x[2,0] = 30 + 70
        assertArrayEquals(new float[] {10, 100}, out.floats());
        assertArrayEquals(new int[] {1, 2, 1, 1}, out.shape());
    }

    /** Full output [1, 10, 2, 20, 3, 30] (x[i]·w[k] lands at 2i + k), cropped by one on each side. */
    @ParameterizedTest
    @MethodSource("dev.mrt2.mil.exec.Backends#available")
    void convTransposeScattersThenCrops(ExecutorBackend backend) {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, 1, 3);
        Var w = h.f32("w", s(1, 1, 2), 1, 10);
        Var full = h.b.convTranspose("full", x, w, null, new int[] {2}, new int[] {0, 0}, 1);
        Var crop = h.b.convTranspose("crop", x, w, h.f32("b", s(1), 0.5f), new int[] {2}, new int[] {1, 1}, 1);
        Map<String, NdArray> out = h.run(backend, inputs("x", f32(shape(1, 1, 3), 1, 2, 3)), full, crop);
        assertArrayEquals(new float[] {1, 10, 2, 20, 3, 30}, out.get("full").floats());
        assertArrayEquals(new float[] {10.5f, 2.5f, 20.5f, 3.5f}, out.get("crop").floats());
    }

    /** An fp16 conv whose sums pass 65504 reports infinity, as a phone running the package would. */
    @ParameterizedTest
    @MethodSource("dev.mrt2.mil.exec.Backends#available")
    void fp16ConvOverflowsToInfinity(ExecutorBackend backend) {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT16, 1, 1, 2);
        Var w = h.f16("w", s(1, 1, 2), 60000, 60000);
        Var c = h.b.conv("c", x, w, null, new int[] {1}, new int[] {0, 0}, new int[] {1}, 1);
        NdArray out = h.run(backend, inputs("x", f16(shape(1, 1, 2), 1, 0.5f)), c).get("c");
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY}, out.floats());
    }
}
