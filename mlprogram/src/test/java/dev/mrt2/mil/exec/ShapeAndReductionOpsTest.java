package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.Arrays2.f32;
import static dev.mrt2.mil.exec.Arrays2.i32;
import static dev.mrt2.mil.exec.Arrays2.inputs;
import static dev.mrt2.mil.exec.Arrays2.shape;
import static dev.mrt2.mil.exec.OpHarness.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeAndReductionOpsTest {
    private static final float[] X23 = {1, 2, 3, 4, 5, 6};   // [[1, 2, 3], [4, 5, 6]]

    @Test
    void reductionsOverChosenAxes() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 3);
        Var mean = h.b.reduceMean("mean", x, new int[] {-1}, true);
        Var sum = h.b.reduceSum("sum", x, new int[] {0}, false);
        Var max = h.b.reduceMax("max", x, new int[] {0, 1}, false);
        Var arg = h.b.reduceArgmax("arg", x, 0, false);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(2, 3), X23)), mean, sum, max, arg);
        assertArrayEquals(new int[] {2, 1}, out.get("mean").shape());
        assertArrayEquals(new float[] {2, 5}, out.get("mean").floats());
        assertArrayEquals(new float[] {5, 7, 9}, out.get("sum").floats());
        assertArrayEquals(new int[] {}, out.get("max").shape());
        assertArrayEquals(new float[] {6}, out.get("max").floats());
        assertArrayEquals(new int[] {1, 1, 1}, out.get("arg").ints());
    }

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 5);
        Var arg = h.b.reduceArgmax("arg", x, -1, true);
        assertArrayEquals(new int[] {1}, h.run(inputs("x", f32(shape(5), 0, 7, 3, 7, -1)), arg).get("arg").ints());
    }

    @Test
    void softmaxAlongAnAxis() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 3);
        Var sm = h.b.softmax("sm", x, 1);
        Var sm0 = h.b.softmax("sm0", x, 0);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(2, 3), 1, 2, 3, 1001, 1002, 1003)), sm, sm0);
        float[] row = {0.09003057f, 0.24472847f, 0.66524096f};
        assertArrayEquals(new float[] {row[0], row[1], row[2], row[0], row[1], row[2]}, out.get("sm").floats(), 1e-7f);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, out.get("sm0").floats(), 1e-7f);
    }

    @Test
    void reshapeTransposeConcatSplit() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 3);
        Var t = h.b.transpose("t", x, 1, 0);
        Var r = h.b.reshape("r", t, 1, 6);
        Var c = h.b.concat("c", 0, x, h.f32("row", s(1, 3), 7, 8, 9));
        List<Var> parts = h.b.split("sp", x, 1, 1, 2);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(2, 3), X23)), t, r, c, parts.get(0), parts.get(1));
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, out.get("t").floats());
        assertArrayEquals(new int[] {3, 2}, out.get("t").shape());
        assertArrayEquals(new int[] {1, 6}, out.get("r").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, out.get("c").floats());
        assertArrayEquals(new float[] {1, 4}, out.get("sp_0").floats());
        assertArrayEquals(new float[] {2, 3, 5, 6}, out.get("sp_1").floats());
    }

    @Test
    void sliceExpandSqueezeTilePad() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 3);
        Var sl = h.b.sliceByIndex("sl", x, new int[] {0, -2}, new int[] {2, 3});
        Var ex = h.b.expandDims("ex", sl, 0);
        Var sq = h.b.squeeze("sq", ex, 0);
        Var ti = h.b.tile("ti", h.b.sliceByIndex("first", x, new int[] {0, 0}, new int[] {1, 2}), 2, 2);
        Var pd = h.b.pad("pd", x, new int[] {1, 0}, -1f);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(2, 3), X23)), ex, sq, ti, pd);
        assertArrayEquals(new int[] {1, 2, 2}, out.get("ex").shape());
        assertArrayEquals(new float[] {2, 3, 5, 6}, out.get("sq").floats());
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2, 1, 2}, out.get("ti").floats());
        assertArrayEquals(new int[] {2, 4}, out.get("pd").shape());
        assertArrayEquals(new float[] {-1, 1, 2, 3, -1, 4, 5, 6}, out.get("pd").floats());
    }

    @Test
    void gatherAndTopk() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 2, 3);
        Var idx = h.in("idx", DataType.INT32, 3);
        Var g = h.b.gather("g", x, idx, 1);
        List<Var> top = h.b.topk("top", x, 2, -1);
        Map<String, NdArray> out = h.run(inputs("x", f32(shape(2, 3), 5, 1, 5, 0, 9, 3), "idx", i32(shape(3), 2, 0, -1)),
                g, top.get(0), top.get(1));
        assertArrayEquals(new float[] {5, 5, 5, 3, 0, 3}, out.get("g").floats(), "negative index counts from the end");
        assertArrayEquals(new float[] {5, 5, 9, 3}, out.get("top_0").floats());
        assertArrayEquals(new int[] {0, 2, 1, 2}, out.get("top_1").ints(), "equal values keep index order");
    }

    @Test
    void layerNormNormalizesTheLastAxis() {
        OpHarness h = new OpHarness();
        Var x = h.in("x", DataType.FLOAT32, 1, 4);
        Var ln = h.b.layerNorm("ln", x, new int[] {-1}, h.f32("gamma", s(4), 1, 2, 1, 1), h.f32("beta", s(4), 0, 0, 0, 10), 1e-5f);
        NdArray out = h.run(inputs("x", f32(shape(1, 4), 1, 2, 3, 4)), ln).get("ln");
        double inv = 1 / Math.sqrt(1.25 + 1e-5);   // mean 2.5, population variance 1.25
        assertArrayEquals(new float[] {(float) (-1.5 * inv), (float) (-0.5 * inv * 2), (float) (0.5 * inv),
                (float) (1.5 * inv + 10)}, out.floats(), 1e-6f);
    }
}
