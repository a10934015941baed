package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reduce_* ops against a reduction written out index by index here: for each output element, the reduced
 * elements in row-major order of the reduced axes, accumulated in float64 (the order the op documents), then
 * rounded once to float32. Trailing axes (read in place), a middle axis and two split axes (moved to the end), every
 * axis, and keep_dims, bit for bit.
 */
class ReductionOpsTest {
    private static final int[] SHAPE = {2, 3, 5};

    @ParameterizedTest
    @ValueSource(strings = {"reduce_mean", "reduce_sum", "reduce_max", "reduce_min", "reduce_prod",
            "reduce_sum_square", "reduce_l2_norm", "reduce_log_sum_exp"})
    void everyAxisChoiceMatchesTheElementByElementReduction(String op) {
        float[] x = Arrays2.random(new SplittableRandom(op.hashCode()), 30, 1.5);
        for (int[] axes : new int[][] {{2}, {1}, {0, 2}, {0, 1, 2}, {1, 2}}) {
            for (boolean keepDims : new boolean[] {false, true}) {
                OpHarness h = new OpHarness();
                Var in = h.in("x", DataType.FLOAT32, 2, 3, 5);
                Var out = switch (op) {
                    case "reduce_mean" -> h.b.reduceMean("y", in, axes, keepDims);
                    case "reduce_sum" -> h.b.reduceSum("y", in, axes, keepDims);
                    case "reduce_max" -> h.b.reduceMax("y", in, axes, keepDims);
                    case "reduce_min" -> h.b.reduceMin("y", in, axes, keepDims);
                    case "reduce_prod" -> h.b.reduceProd("y", in, axes, keepDims);
                    case "reduce_sum_square" -> h.b.reduceSumSquare("y", in, axes, keepDims);
                    case "reduce_l2_norm" -> h.b.reduceL2Norm("y", in, axes, keepDims);
                    default -> h.b.reduceLogSumExp("y", in, axes, keepDims);
                };
                NdArray y = h.run(Map.of("x", NdArray.f32(SHAPE, x)), out).get("y");
                String where = op + " over " + java.util.Arrays.toString(axes) + " keep_dims " + keepDims;
                assertArrayEquals(expectedShape(axes, keepDims), y.shape(), where);
                assertArrayEquals(expected(op, x, axes), y.floats(), where);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aNanInTheRowMakesItsMaximumNan(int axis) {
        float[] x = Arrays2.random(new SplittableRandom(5), 30, 1);
        x[7] = Float.NaN;   // index (0, 1, 2)
        OpHarness h = new OpHarness();
        Var out = h.b.reduceMax("y", h.in("x", DataType.FLOAT32, 2, 3, 5), new int[] {axis}, false);
        float[] y = h.run(Map.of("x", NdArray.f32(SHAPE, x)), out).get("y").floats();
        int nan = 0;
        for (float v : y) {
            nan += Float.isNaN(v) ? 1 : 0;
        }
        assertEquals(1, nan, "exactly the row holding the NaN");
        assertTrue(Float.isNaN(y[axis == 0 ? 7 : axis == 1 ? 2 : 1]));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void argExtremesTakeTheFirstIndexAndANan(boolean max) {
        float[] x = {3, 7, 7, 1, 2, Float.NaN, 5, 9, -4, -4, 6, 0};   // rows of 4: ties, a NaN, ties at the minimum
        OpHarness h = new OpHarness();
        Var in = h.in("x", DataType.FLOAT32, 3, 4);
        Var out = max ? h.b.reduceArgmax("y", in, 1, false) : h.b.reduceArgmin("y", in, 1, false);
        int[] y = h.run(Map.of("x", NdArray.f32(new int[] {3, 4}, x)), out).get("y").ints();
        assertArrayEquals(max ? new int[] {1, 1, 2} : new int[] {3, 1, 0}, y);
    }

    private static int[] expectedShape(int[] axes, boolean keepDims) {
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (int d = 0; d < SHAPE.length; d++) {
            if (!reduced(axes, d)) {
                dims.add(SHAPE[d]);
            } else if (keepDims) {
                dims.add(1);
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean reduced(int[] axes, int d) {
        for (int a : axes) {
            if (a == d) {
                return true;
            }
        }
        return false;
    }

    /** Output elements in row-major order of the kept axes; each the reduced values in row-major order of the rest. */
    private static float[] expected(String op, float[] x, int[] axes) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (int i = 0; i < SHAPE[0]; i++) {
            if (reduced(axes, 0) && i > 0) continue;
            for (int j = 0; j < SHAPE[1]; j++) {
                if (reduced(axes, 1) && j > 0) continue;
                for (int k = 0; k < SHAPE[2]; k++) {
                    if (reduced(axes, 2) && k > 0) continue;
                    java.util.List<Double> values = new java.util.ArrayList<>();
                    for (int a = 0; a < SHAPE[0]; a++) {
                        if (!reduced(axes, 0) && a != i) continue;
                        for (int b = 0; b < SHAPE[1]; b++) {
                            if (!reduced(axes, 1) && b != j) continue;
                            for (int c = 0; c < SHAPE[2]; c++) {
                                if (!reduced(axes, 2) && c != k) continue;
                                values.add((double) x[(a * SHAPE[1] + b) * SHAPE[2] + c]);
                            }
                        }
                    }
                    out.add(reduce(op, values));
                }
            }
        }
        float[] f = new float[out.size()];
        for (int n = 0; n < f.length; n++) {
            f[n] = (float) (double) out.get(n);
        }
        return f;
    }

    private static double reduce(String op, java.util.List<Double> v) {
        switch (op) {
            case "reduce_max":
                return v.stream().mapToDouble(Double::doubleValue).reduce(Double.NEGATIVE_INFINITY, Math::max);
            case "reduce_min":
                return v.stream().mapToDouble(Double::doubleValue).reduce(Double.POSITIVE_INFINITY, Math::min);
            case "reduce_prod": {
                double p = 1;
                for (double e : v) p *= e;
                return p;
            }
            case "reduce_log_sum_exp": {
                double m = Double.NEGATIVE_INFINITY;
                for (double e : v) m = Math.max(m, e);
                double s = 0;
                for (double e : v) s += Math.exp(e - m);
                return m + Math.log(s);
            }
            default: {
                double s = 0;
                for (double e : v) s += op.equals("reduce_sum_square") || op.equals("reduce_l2_norm") ? e * e : e;
                return op.equals("reduce_mean") ? s / v.size() : op.equals("reduce_l2_norm") ? Math.sqrt(s) : s;
            }
        }
    }
}
