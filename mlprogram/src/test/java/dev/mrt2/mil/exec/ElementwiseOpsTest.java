package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.Arrays2.f16;
import static dev.mrt2.mil.exec.Arrays2.f32;
import static dev.mrt2.mil.exec.Arrays2.inputs;
import static dev.mrt2.mil.exec.Arrays2.shape;
import static dev.mrt2.mil.exec.OpHarness.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElementwiseOpsTest {
    @Test
    void fp16AddRoundsEveryResultToBinary16() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT16, 2, 2);
        Var c = h.f16("c", s(2), 0x1p-11f, 1f);
        Var y = h.b.add("y", x, c);
        NdArray out = h.run(inputs("x", f16(shape(2, 2), 1f, 2048f, 60000f, -3f)), y).get("y");
        assertEquals(NdArray.Kind.F16, out.kind());
        // 1 + 2^-11 and 2048 + 1 are exact ties between two halves: both round to the even neighbour
        assertArrayEquals(new float[] {1f, 2048f, 60000f, -2f}, out.floats());
    }

    /**
     * An op whose kernel hands back its input's own array (identity) but declares fp16 is rounded into a copy: the
     * fp32 input it shares is still exact for the op after it, on every backend.
     */
    @Test
    void roundingAnOutputNeverChangesTheInputItShares() {
        for (ExecutorBackend backend : Backends.available().toList()) {
            IrProgram p = new IrProgram(dev.mrt2.mil.Opset.IOS18);
            Var x = p.input("x", DataType.FLOAT32, 1, 4);
            Var half = p.op("identity", "half", dev.mrt2.mil.TensorType.of(DataType.FLOAT16, 1, 4), "x", x);
            Var twice = p.op("add", "twice", dev.mrt2.mil.TensorType.of(DataType.FLOAT32, 1, 4), "x", x, "y", x);
            Map<String, NdArray> out;
            try (MlProgramExecutor e = MlProgramExecutor.forModel(p.build(half, twice), "share", backend)) {
                out = e.predict(inputs("x", f32(shape(1, 4), 1.0001f, 2049f, 0.1f, -3f)));
            }
            assertArrayEquals(new float[] {1f, 2048f, 0.0999755859375f, -3f}, out.get("half").floats(), backend + "");
            assertArrayEquals(new float[] {2.0002f, 4098f, 0.2f, -6f}, out.get("twice").floats(), backend + "");
        }
    }

    @Test
    void fp32AddKeepsWhatFp16Loses() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 2);
        Var c = h.f32("c", s(2), 0x1p-11f, 1f);
        Var y = h.b.add("y", x, c);
        NdArray out = h.run(inputs("x", f32(shape(2, 2), 1f, 2048f, 60000f, -3f)), y).get("y");
        assertArrayEquals(new float[] {1.00048828125f, 2049f, 60000f, -2f}, out.floats());
    }

    @Test
    void fp16MulAndAddOverflowToInfinity() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT16, 3);
        Var m = h.b.mul("m", x, h.f16("k", s(1), 300f));
        Var a = h.b.add("a", x, h.f16("d", s(3), 16f, 15f, 0f));
        Map<String, NdArray> out = h.run(inputs("x", f16(shape(3), 65504f, 65504f, 2f)), m, a);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, 600f}, out.get("m").floats());
        // 65504 + 16 = 65520 is the tie between 65504 and 65536 (= inf) and goes up; + 15 stays at 65504
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 65504f, 2f}, out.get("a").floats());
    }

    @Test
    void subDivMaxMinPowBroadcastOverLeadingAxes() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 3);
        Var c = h.f32("c", s(3), 2f, -1f, 4f);
        Var[] outs = {h.b.sub("sub", x, c), h.b.realDiv("div", x, c), h.b.maximum("max", x, c),
                h.b.minimum("min", x, c), h.b.pow("pow", x, c)};
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(2, 3), 1, 2, 3, -4, 5, 0.5f)), outs);
        assertArrayEquals(new float[] {-1, 3, -1, -6, 6, -3.5f}, out.get("sub").floats());
        assertArrayEquals(new float[] {0.5f, -2, 0.75f, -2, -5, 0.125f}, out.get("div").floats());
        assertArrayEquals(new float[] {2, 2, 4, 2, 5, 4}, out.get("max").floats());
        assertArrayEquals(new float[] {1, -1, 3, -4, -1, 0.5f}, out.get("min").floats());
        assertArrayEquals(new float[] {1, 0.5f, 81, 16, 0.2f, 0.0625f}, out.get("pow").floats(), 1e-6f);
    }

    @Test
    void comparisonsFeedSelectAndCast() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 4);
        Var zero = h.f32("zero", s(1), 0f);
        Var pos = h.b.greater("pos", x, zero);
        Var sel = h.b.select("sel", pos, x, h.b.mul("neg", x, -2f));
        Var asInt = h.b.cast("as_int", pos, DataType.INT32);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(4), 3, -1, 0, Float.NaN)), sel, asInt);
        assertArrayEquals(new float[] {3, 2, -0f, Float.NaN}, out.get("sel").floats());
        assertArrayEquals(new int[] {1, 0, 0, 0}, out.get("as_int").ints(), "NaN > 0 is false");
    }

    @Test
    void castRoundsToFp16AndTruncatesToInt() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 3);
        Var half = h.b.cast("half", x, DataType.FLOAT16);
        Var whole = h.b.cast("whole", x, DataType.INT32);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(3), 1.0001f, -2.7f, 70000f)), half, whole);
        assertArrayEquals(new float[] {1f, -2.69921875f, Float.POSITIVE_INFINITY}, out.get("half").floats());
        assertArrayEquals(new int[] {1, -2, 70000}, out.get("whole").ints());
    }

    @Test
    void activationsMatchHandComputedValues() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 3);
        Var[] outs = {
            h.b.exp("exp", x), h.b.tanh("tanh", x), h.b.sigmoid("sigmoid", x), h.b.relu("relu", x),
            h.b.softplus("softplus", x), h.b.elu("elu", x, 1f), h.b.gelu("gelu_exact", x, "EXACT"),
            h.b.gelu("gelu_tanh", x, "TANH_APPROXIMATION"), h.b.gelu("gelu_sigmoid", x, "SIGMOID_APPROXIMATION"),
            h.b.clip("clip", x, -0.5f, 0.5f), h.b.abs("abs", x), h.b.square("square", x)};
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(3), -1, 0, 1)), outs);
        float e = 1e-7f;
        assertArrayEquals(new float[] {0.36787944f, 1f, 2.7182817f}, out.get("exp").floats(), e);
        assertArrayEquals(new float[] {-0.7615942f, 0f, 0.7615942f}, out.get("tanh").floats(), e);
        assertArrayEquals(new float[] {0.26894143f, 0.5f, 0.7310586f}, out.get("sigmoid").floats(), e);
        assertArrayEquals(new float[] {0f, 0f, 1f}, out.get("relu").floats());
        assertArrayEquals(new float[] {0.31326169f, 0.6931472f, 1.3132617f}, out.get("softplus").floats(), 2e-7f);
        assertArrayEquals(new float[] {-0.63212055f, 0f, 1f}, out.get("elu").floats(), e);
        assertArrayEquals(new float[] {-0.15865526f, 0f, 0.8413447f}, out.get("gelu_exact").floats(), e);
        assertArrayEquals(new float[] {-0.15880801f, 0f, 0.841192f}, out.get("gelu_tanh").floats(), e);
        assertArrayEquals(new float[] {-0.15420423f, 0f, 0.84579577f}, out.get("gelu_sigmoid").floats(), e);
        assertArrayEquals(new float[] {-0.5f, 0f, 0.5f}, out.get("clip").floats());
        assertArrayEquals(new float[] {1f, 0f, 1f}, out.get("abs").floats());
        assertArrayEquals(new float[] {1f, 0f, 1f}, out.get("square").floats());
    }

    @Test
    void epsilonOpsAddEpsilonFirst() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2);
        Var r = h.b.rsqrt("r", x, 0.25f);
        Var l = h.b.log("l", x, 1f);
        Var q = h.b.sqrt("q", x);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(2), 0f, 3.75f)), r, l, q);
        assertArrayEquals(new float[] {2f, 0.5f}, out.get("r").floats());
        assertArrayEquals(new float[] {0f, (float) Math.log(4.75)}, out.get("l").floats());
        assertArrayEquals(new float[] {0f, (float) Math.sqrt(3.75)}, out.get("q").floats());
    }
}
