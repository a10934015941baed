package dev.mrt2.mil.pkg;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * A small iOS 18 program that touches most of what the converters use: fp16 compute behind fp32 I/O, a state
 * updated through slice_update, blob constants of four dtypes (fp16 streamed from floats, fp32 from a buffer,
 * int8 bytes, int32 which iOS 18 allows in blobs), immediates of bool/int32/string, multi-output ops.
 */
final class MixedProgram {
    static final TensorType CACHE = TensorType.of(DataType.FLOAT16, 1, 4, 2, 8);

    private MixedProgram() {}

    static Model build(MilBuilder b) {
        Var x = b.input("x", TensorType.of(DataType.FLOAT32, 1, 3, 16));
        Var ids = b.input("ids", TensorType.of(DataType.INT32, 1, 3));
        Var cache = b.state("cache", CACHE);
        Var h = b.cast("x_to_fp16", x, DataType.FLOAT16);

        Var w = b.constantFloats("proj_weight", TensorType.of(DataType.FLOAT16, 16, 16), ramp(256, 0.01f));
        Var bias = b.constantBuffer("proj_bias", TensorType.of(DataType.FLOAT32, 16), floatBytes(ramp(16, 0.1f)))
                ;
        Var bias16 = b.constantFloats("proj_bias_fp16", TensorType.of(DataType.FLOAT16, 16), ramp(16, 0.1f));
        Var q = b.linear("proj", h, w, bias16);
        Var gamma = b.constantFloats("ln_gamma", TensorType.of(DataType.FLOAT16, 16), ramp(16, 0.0f).put(0, 1f));
        Var n = b.layerNorm("ln", q, new int[] {-1}, gamma, null, 1e-5f);
        Var g = b.gelu("act", n, "TANH_APPROXIMATION");

        Var table = b.constantFloats("embed", TensorType.of(DataType.FLOAT16, 10, 16), ramp(160, 0.001f));
        Var e = b.gather("embed_lookup", table, ids, 0);
        Var sum = b.add("residual", g, e);

        List<Var> halves = b.split("heads", sum, -1, 8, 8);
        Var stacked = b.concat("stack", 1, halves.get(0), halves.get(1));            // [1, 6, 8]
        Var r = b.reshape("to_rows", stacked, 1, 3, 2, 8);
        Var row = b.sliceByIndex("first_row", r, new int[] {0, 0, 0, 0}, new int[] {1, 1, 2, 8}); // [1,1,2,8]
        Var old = b.readState("cache_read", cache);
        Var updated = b.sliceUpdate("cache_put", old, row, new int[] {0, 0, 0, 0}, new int[] {1, 1, 2, 8});
        b.writeState("cache_write", cache, updated);

        Var kq = b.transpose("keys", b.readState("cache_now", cache), 0, 2, 1, 3);     // [1, 2, 4, 8]
        Var query = b.transpose("queries", r, 0, 2, 1, 3);                             // [1, 2, 3, 8]
        Var mask = b.constantBools("attn_mask", TensorType.of(DataType.BOOL, 1, 1, 3, 4),
                new boolean[] {true, false, false, false, true, true, false, false, true, true, true, false});
        Var att = b.scaledDotProductAttention("attn", query, kq, kq, mask);           // [1, 2, 3, 8]
        Var pooled = b.reduceMean("pool", att, new int[] {1}, false);                 // [1, 3, 8]
        Var probs = b.softmax("probs", pooled, -1);
        List<Var> top = b.topk("best", probs, 2, -1);

        Var codes = b.constantInts("codes", TensorType.of(DataType.INT32, 12), new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -11});
        Var quant = b.constantBytes("quant", TensorType.of(DataType.INT8, 16), new byte[] {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16});
        Var picked = b.gather("pick", codes, top.get(1), 0);                          // [1, 3, 2] int32
        b.output("scores", b.cast("scores_to_fp32", top.get(0), DataType.FLOAT32));
        b.output("picked", picked);
        b.output("bias_echo", b.add("bias_plus", b.cast("x_again", x, DataType.FLOAT32), bias));
        b.output("quant_size", b.cast("quant_flag", b.reduceSum("quant_sum", b.cast("quant_i32", b.constantInts("dummy",
                TensorType.of(DataType.INT32, 2), new int[] {1, 2}), DataType.INT32), new int[] {0}, true), DataType.FLOAT32));
        assert quant != null;
        TreeMap<String, String> user = new TreeMap<>();
        user.put("dev.mrt2.source_sha256", "00ff");
        user.put("dev.mrt2.schema", "test");
        return b.build(new Metadata("mixed test program", "0.1.0", "mrt2 tests", "Apache-2.0", user));
    }

    static PackageWriteResult write(Path target) {
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS18)) {
            return pkg.commit(build(pkg.builder()));
        }
    }

    static FloatBuffer ramp(int n, float step) {
        FloatBuffer f = FloatBuffer.allocate(n);
        for (int i = 0; i < n; i++) f.put(i, (i % 7 - 3) * step);
        return f;
    }

    static ByteBuffer floatBytes(FloatBuffer f) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * f.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < f.remaining(); i++) b.putFloat(f.get(i));
        return b.flip();
    }
}
