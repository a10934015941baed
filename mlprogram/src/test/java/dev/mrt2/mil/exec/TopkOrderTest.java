package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** topk against the rule written out here: a stable sort of the indices by {@link Double#compare} of the values. */
class TopkOrderTest {
    /** Values with many ties, both zeros, infinities and NaNs of several bit patterns. */
    private static float[] awkward(Random r, int size) {
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.intBitsToFloat(0xFFC00001), Float.MIN_VALUE, -Float.MIN_VALUE, 1f, -1f};
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            int pick = r.nextInt(4);
            v[i] = pick == 0 ? special[r.nextInt(special.length)] : pick == 1 ? r.nextInt(5) - 2 : (float) r.nextGaussian();
        }
        return v;
    }

    /** The expected indices of one row {@code row[0..n)}: stable by Double.compare, largest first unless ascending. */
    private static int[] expectedOrder(double[] row, boolean ascending) {
        Integer[] order = new Integer[row.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (p, q) -> {
            int c = Double.compare(row[p], row[q]);
            return ascending ? c : -c;      // Arrays.sort on objects is stable: ties keep index order
        });
        int[] out = new int[order.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = order[j];
        }
        return out;
    }

    @Test
    void floatAndIntRowsAlongEveryAxisMatchTheStableSort() {
        Random r = new Random(7);
        int[][] shapes = {{3, 37}, {2, 9, 4}, {1, 1025}};
        for (int[] shape : shapes) {
            for (int axis = 0; axis < shape.length; axis++) {
                for (boolean ascending : new boolean[] {false, true}) {
                    for (boolean floats : new boolean[] {true, false}) {
                        int size = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
                        float[] fv = awkward(r, size);
                        int[] iv = new int[size];
                        for (int i = 0; i < size; i++) {
                            iv[i] = r.nextInt(7) == 0 ? (r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE)
                                    : r.nextInt(9) - 4;
                        }
                        int k = Math.max(1, shape[axis] / 3);
                        check(shape, axis, k, ascending, floats, fv, iv);
                    }
                }
            }
        }
    }

    private static void check(int[] shape, int axis, int k, boolean ascending, boolean floats, float[] fv, int[] iv) {
        DataType type = floats ? DataType.FLOAT32 : DataType.INT32;
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        long[] outDims = dims.clone();
        outDims[axis] = k;
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", type, dims);
        List<Var> top = p.opMulti("topk", "top", List.of(TensorType.of(type, outDims), TensorType.of(DataType.INT32,
                outDims)), "x", x, "k", IrProgram.intScalar(k), "axis", IrProgram.intScalar(axis), "ascending",
                IrProgram.boolScalar(ascending));
        NdArray input = floats ? NdArray.f32(shape, fv) : NdArray.i32(shape, iv);
        Map<String, NdArray> out;
        try (MlProgramExecutor e = MlProgramExecutor.forModel(p.build(top.get(0), top.get(1)), "topk",
                ExecutorBackend.SCALAR)) {
            out = e.predict(Map.of("x", input));
        }
        int n = shape[axis];
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        String what = Arrays.toString(shape) + " axis " + axis + " k " + k + (ascending ? " ascending" : "")
                + (floats ? " float" : " int");
        List<Integer> indices = new ArrayList<>();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double[] row = new double[n];
                for (int j = 0; j < n; j++) {
                    int src = (o * n + j) * inner + i;
                    row[j] = floats ? fv[src] : iv[src];
                }
                int[] want = expectedOrder(row, ascending);
                for (int j = 0; j < k; j++) {
                    int dst = (o * k + j) * inner + i;
                    int got = out.get("top_1").ints()[dst];
                    assertTrue(got == want[j], what + ": row " + o + "/" + i + " place " + j + " index " + got
                            + ", expected " + want[j]);
                    if (floats) {
                        assertTrue(Float.floatToIntBits(out.get("top_0").floats()[dst])
                                == Float.floatToIntBits(fv[(o * n + want[j]) * inner + i]), what);
                    } else {
                        assertTrue(out.get("top_0").ints()[dst] == iv[(o * n + want[j]) * inner + i], what);
                    }
                    indices.add(got);
                }
            }
        }
        assertTrue(!indices.isEmpty());
    }

    @Test
    void orderedBitsFollowFloatCompare() {
        float[] v = {Float.NEGATIVE_INFINITY, -3f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 2f,
                Float.POSITIVE_INFINITY, Float.NaN};
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = IndexingOps.orderedBits(v[i]);
        }
        int[] sorted = bits.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, bits);
        assertTrue(IndexingOps.orderedBits(Float.intBitsToFloat(0xFFC00001)) == IndexingOps.orderedBits(Float.NaN));
    }
}
