package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.IrProgram.bools;
import static dev.mrt2.mil.exec.IrProgram.floats;
import static dev.mrt2.mil.exec.IrProgram.intList;
import static dev.mrt2.mil.exec.IrProgram.intScalar;
import static dev.mrt2.mil.exec.IrProgram.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Programs written the way coremltools writes them (coreml-mlpackage.md §5.2, §6): optional parameters left out so
 * the runtime default applies, literal arguments bound inline, and parameter spellings our builder never emits.
 */
class CoremltoolsSpellingsTest {
    private static TensorType f32(long... shape) {
        return TensorType.of(DataType.FLOAT32, shape);
    }

    private static Map<String, NdArray> run(IrProgram p, Map<String, NdArray> inputs, Var... outputs) {
        try (MlProgramExecutor e = MlProgramExecutor.forModel(p.build(outputs), "ct", ExecutorBackend.SCALAR)) {
            return e.predict(inputs);
        }
    }

    private static NdArray x4() {
        return NdArray.f32(new int[] {1, 1, 4}, new float[] {1, 2, 3, 4});
    }

    @Test
    void convDefaultsToValidPaddingUnitStridesAndOneGroup() {
        IrProgram p = new IrProgram(Opset.IOS15);
        Var x = p.input("x", DataType.FLOAT32, 1, 1, 4);
        Var w = p.constant("w", floats(new long[] {1, 1, 3}, 1, 1, 1));
        Var valid = p.op("conv", "valid", f32(1, 1, 2), "x", x, "weight", w);
        Var same = p.op("conv", "same", f32(1, 1, 4), "x", x, "weight", w, "pad_type", string("same"));
        Var lower = p.op("conv", "lower", f32(1, 1, 2), "x", x, "weight", w, "pad_type", string("same_lower"),
                "strides", intList(2));
        Map<String, NdArray> out = run(p, Map.of("x", x4()), valid, same, lower);
        assertArrayEquals(new float[] {6, 9}, out.get("valid").floats());
        assertArrayEquals(new float[] {3, 6, 9, 7}, out.get("same").floats());
        // stride 2 over 4 needs one pad element; same_lower puts it first: windows (0, 1, 2) and (2, 3, 4)
        assertArrayEquals(new float[] {3, 9}, out.get("lower").floats());
    }

    @Test
    void convTransposeWithOutputShape() {
        IrProgram p = new IrProgram(Opset.IOS15);
        Var x = p.input("x", DataType.FLOAT32, 1, 1, 3);
        Var w = p.constant("w", floats(new long[] {1, 1, 2}, 1, 10));
        // full output is [1, 10, 2, 20, 3, 30]; output_shape asks for 7 positions, the 7th past the end is zero
        Var y = p.op("conv_transpose", "y", f32(1, 1, 7), "x", x, "weight", w, "strides", intList(2),
                "output_shape", intList(1, 1, 7));
        NdArray out = run(p, Map.of("x", NdArray.f32(new int[] {1, 1, 3}, new float[] {1, 2, 3})), y).get("y");
        assertArrayEquals(new float[] {1, 10, 2, 20, 3, 30, 0}, out.floats());
    }

    @Test
    void reductionsWithoutAxesReduceEverything() {
        IrProgram p = new IrProgram(Opset.IOS15);
        Var x = p.input("x", DataType.FLOAT32, 1, 1, 4);
        Var sum = p.op("reduce_sum", "sum", f32(), "x", x);
        Var sq = p.op("squeeze", "sq", f32(4), "x", x);
        Var sm = p.op("softmax", "sm", f32(1, 1, 4), "x", x);
        Map<String, NdArray> out = run(p, Map.of("x", x4()), sum, sq, sm);
        assertArrayEquals(new float[] {10}, out.get("sum").floats());
        assertArrayEquals(new int[] {4}, out.get("sq").shape());
        assertEquals(1.0, out.get("sm").floats()[0] + out.get("sm").floats()[1] + out.get("sm").floats()[2]
                + out.get("sm").floats()[3], 1e-6);
    }

    @Test
    void inlineArgumentsBindLikeConstants() {
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 2, 3);
        Var t = p.op("transpose", "t", f32(3, 2), "x", x, "perm", intList(1, 0));
        Var c = p.op("concat", "c", f32(3, 4), "values", List.of(t, t), "axis", intScalar(1), "interleave", bools(true));
        Var h = p.op("cast", "h", TensorType.of(DataType.FLOAT16, 2, 3), "x", x, "dtype", string("fp16"));
        NdArray in = NdArray.f32(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6.001f});
        Map<String, NdArray> out = run(p, Map.of("x", in), c, h);
        // interleave alternates columns of the two inputs: t = [[1,4],[2,5],[3,6]]
        assertArrayEquals(new float[] {1, 1, 4, 4, 2, 2, 5, 5, 3, 3, 6.001f, 6.001f}, out.get("c").floats());
        assertEquals(NdArray.Kind.F16, out.get("h").kind());
        assertEquals(6f, out.get("h").floats()[5]);
    }

    @Test
    void sliceByIndexMasksStridesAndSqueeze() {
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 2, 5);
        // x[1, ::-2] : squeeze axis 0 at index 1, axis 1 reversed with stride -2 and both ends masked
        Var rev = p.op("slice_by_index", "rev", f32(3), "x", x, "begin", intList(1, 0), "end", intList(0, 0),
                "stride", intList(1, -2), "begin_mask", bools(false, true), "end_mask", bools(false, true),
                "squeeze_mask", bools(true, false));
        // x[:, 1:-1] with the end of axis 0 masked
        Var mid = p.op("slice_by_index", "mid", f32(2, 3), "x", x, "begin", intList(0, 1), "end", intList(0, -1),
                "end_mask", bools(true, false));
        NdArray in = NdArray.f32(new int[] {2, 5}, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        Map<String, NdArray> out = run(p, Map.of("x", in), rev, mid);
        assertArrayEquals(new float[] {9, 7, 5}, out.get("rev").floats());
        assertArrayEquals(new float[] {1, 2, 3, 6, 7, 8}, out.get("mid").floats());
    }

    @Test
    void reshapeZeroAndMinusOneFollowTheOpset() {
        for (Opset opset : new Opset[] {Opset.IOS15, Opset.IOS17}) {
            IrProgram p = new IrProgram(opset);
            Var x = p.input("x", DataType.FLOAT32, 2, 3, 4);
            // iOS15: 0 copies dim 0 (2); iOS17: 0 copies the dim aligned from the right of a rank-2 target, i.e. dim 1 (3)
            long lead = opset == Opset.IOS15 ? 2 : 3;
            Var r = p.op("reshape", "r", f32(lead, 24 / lead), "x", x, "shape", intList(0, -1));
            NdArray in = NdArray.f32(new int[] {2, 3, 4}, new float[24]);
            assertArrayEquals(new int[] {(int) lead, (int) (24 / lead)}, run(p, Map.of("x", in), r).get("r").shape(), opset.name());
        }
    }

    @Test
    void defaultsOfGatherTopkGeluSplitAndPadModes() {
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 1, 4);
        Var idx = p.constant("idx", IrProgram.ints(new long[] {1}, 0));
        Var g = p.op("gather", "g", f32(1, 4), "x", x, "indices", idx);
        List<Var> top = p.opMulti("topk", "top", List.of(f32(1, 1), TensorType.of(DataType.INT32, 1, 1)), "x", x,
                "ascending", IrProgram.boolScalar(true));
        Var gelu = p.op("gelu", "gelu", f32(1, 4), "x", x);
        List<Var> halves = p.opMulti("split", "halves", List.of(f32(1, 2), f32(1, 2)), "x", x, "num_splits", intScalar(2),
                "axis", intScalar(1));
        Var reflect = p.op("pad", "reflect", f32(1, 7), "x", x, "pad", intList(2, 1), "mode", string("reflect"));
        Var replicate = p.op("pad", "replicate", f32(1, 7), "x", x, "pad", intList(2, 1), "mode", string("replicate"));
        NdArray in = NdArray.f32(new int[] {1, 4}, new float[] {3, -1, 2, 0});
        Map<String, NdArray> out = run(p, Map.of("x", in), g, top.get(0), top.get(1), gelu, halves.get(1), reflect, replicate);
        assertArrayEquals(in.floats(), out.get("g").floats());
        assertArrayEquals(new float[] {-1}, out.get("top_0").floats(), "k defaults to 1; ascending picks the minimum");
        assertArrayEquals(new int[] {1}, out.get("top_1").ints());
        assertEquals(0.5 * 3 * (1 + Erf.erf(3 / Math.sqrt(2))), out.get("gelu").floats()[0], 1e-6, "mode defaults to EXACT");
        assertArrayEquals(new float[] {2, 0}, out.get("halves_1").floats());
        assertArrayEquals(new float[] {2, -1, 3, -1, 2, 0, 2}, out.get("reflect").floats());
        assertArrayEquals(new float[] {3, 3, 3, -1, 2, 0, 0}, out.get("replicate").floats());
    }

    @Test
    void upsampleAndAttention() {
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 1, 1, 2);
        Var up = p.op("upsample_nearest_neighbor", "up", f32(1, 2, 6), "x", x, "scale_factor_height", intScalar(2),
                "scale_factor_width", intScalar(3));
        Var q = p.constant("q", floats(new long[] {1, 1, 2}, 1, 0));
        Var k = p.constant("k", floats(new long[] {1, 2, 2}, 0, 0, 0, 0));
        Var att = p.op("scaled_dot_product_attention", "att", f32(1, 1, 2), "query", q, "key", k, "value",
                p.constant("v", floats(new long[] {1, 2, 2}, 1, 2, 3, 4)));
        NdArray in = NdArray.f32(new int[] {1, 1, 2}, new float[] {5, 7});
        Map<String, NdArray> out = run(p, Map.of("x", in), up, att);
        assertArrayEquals(new float[] {5, 5, 5, 7, 7, 7, 5, 5, 5, 7, 7, 7}, out.get("up").floats());
        assertArrayEquals(new float[] {2, 3}, out.get("att").floats(), 1e-6f, "equal scores average the values");
    }

    @Test
    void einsumPixelUnshufflePreluAndFillLike() {
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 1, 1, 2, 2);
        // for each (n, h): [c, w] · [w, u]; here c = 1, w = 2, u = 1
        Var y4 = p.constant("y4", floats(new long[] {1, 2, 2, 1}, 10, 100, 1, 1000));
        Var e4 = p.op("einsum", "e4", f32(1, 1, 2, 1), "values", List.of(x, y4), "equation", string("abcd,adce->abce"));
        Var x3 = p.op("reshape", "x3", f32(1, 2, 2), "x", x, "shape", intList(1, 2, 2));
        Var y3 = p.constant("y3", floats(new long[] {2, 2, 1}, 10, 100, 1, 1000));
        Var e3 = p.op("einsum", "e3", f32(1, 2, 1), "values", List.of(x3, y3), "equation", string("chw,whr->chr"));
        Var un = p.op("pixel_unshuffle", "un", f32(1, 4, 1, 1), "x", x, "downscale_factor", intScalar(2));
        Var pr = p.op("prelu", "pr", f32(1, 1, 2, 2), "x", x, "alpha", floats(new long[] {1}, 0.5f));
        Var fl = p.op("fill_like", "fl", f32(1, 1, 2, 2), "ref_tensor", x, "value", floats(new long[0], 7));
        NdArray in = NdArray.f32(new int[] {1, 1, 2, 2}, new float[] {1, 2, -3, 4});
        Map<String, NdArray> out = run(p, Map.of("x", in), e4, e3, un, pr, fl);
        // row h=0: x[0,0]·y[0,0] + x[0,1]·y[1,0] = 1·10 + 2·1; row h=1: −3·100 + 4·1000
        assertArrayEquals(new float[] {12, 3700}, out.get("e4").floats());
        assertArrayEquals(new float[] {12, 3700}, out.get("e3").floats());
        assertArrayEquals(new float[] {1, 2, -3, 4}, out.get("un").floats());
        assertArrayEquals(new float[] {1, 2, -1.5f, 4}, out.get("pr").floats());
        assertArrayEquals(new float[] {7, 7, 7, 7}, out.get("fl").floats());
    }

    /** Every op type the package reader accepts runs, except the few no converter or coremltools export of ours uses. */
    @Test
    void everyOpTheReaderKnowsHasAKernel() {
        java.util.Set<String> notExecuted = java.util.Set.of("const", "reshape_like", "quantize", "dequantize", "resize");
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (String op : OpCatalog.knownTypes()) {
            if (!notExecuted.contains(op) && !OpCatalog.find(op).executable()) {
                missing.add(op);
            }
        }
        assertEquals(List.of(), missing, "op types without a kernel");
    }

    @Test
    void unknownOpTypeIsRejectedAtLoad() {
        IrProgram p = new IrProgram(Opset.IOS18);
        Var x = p.input("x", DataType.FLOAT32, 2);
        Var y = p.op("einsum_like_mystery", "mystery", f32(2), "x", x);
        ExecutorException e = assertThrows(ExecutorException.class,
                () -> MlProgramExecutor.forModel(p.build(y), "pkg.mlpackage", ExecutorBackend.SCALAR));
        assertEquals("pkg.mlpackage: op 'mystery' (einsum_like_mystery): op type not supported by the executor", e.getMessage());
    }

    @Test
    void bindingToAnUndefinedValueIsRejectedAtLoad() {
        IrProgram p = new IrProgram(Opset.IOS18);
        p.input("x", DataType.FLOAT32, 2);
        Var ghost = new Var("ghost", f32(2));
        Var y = p.op("relu", "y", f32(2), "x", ghost);
        ExecutorException e = assertThrows(ExecutorException.class,
                () -> MlProgramExecutor.forModel(p.build(y), "pkg.mlpackage", ExecutorBackend.SCALAR));
        assertTrue(e.getMessage().contains("op 'y' (relu): parameter 'x' uses 'ghost'"), e.getMessage());
    }
}
