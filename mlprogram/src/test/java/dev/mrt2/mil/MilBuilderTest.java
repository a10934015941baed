package dev.mrt2.mil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's streaming constants and the ops added for the converters: inferred types and named failures. */
class MilBuilderTest {
    /** Keeps blobs in memory through WeightSink's default (collecting) streaming path. */
    static final class MemorySink implements WeightSink {
        final List<ByteBuffer> blobs = new ArrayList<>();

        @Override
        public long append(TensorType type, ByteBuffer data) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data.duplicate()).flip();
            blobs.add(copy);
            return 64L * blobs.size();
        }

        @Override
        public ByteBuffer read(long offset, TensorType type) {
            return blobs.get((int) (offset / 64) - 1).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private final MemorySink sink = new MemorySink();

    private MilBuilder builder(Opset opset) {
        return new MilBuilder(opset, sink);
    }

    @Test
    void constantFloatsRoundsToFp16InChunks() {
        MilBuilder b = builder(Opset.IOS15);
        FloatBuffer values = FloatBuffer.allocate(40_000);
        for (int i = 0; i < values.capacity(); i++) values.put(i, i == 0 ? 1.0009765625f * 1.5f : 65520f);
        Var c = b.constantFloats("c", TensorType.of(DataType.FLOAT16, 200, 200), values);
        assertEquals(40_000, values.remaining(), "the caller's buffer position is untouched");
        ByteBuffer data = sink.read(64, TensorType.of(DataType.FLOAT16, 200, 200));
        assertEquals(80_000, data.remaining());
        assertEquals((short) 0x3E02, data.getShort(0), "1.50146484375 rounds to even 0x3E02");
        assertEquals((short) 0x7C00, data.getShort(2), "65520 overflows to +inf");
        assertEquals("c", c.name());
    }

    @Test
    void smallStreamedConstantStaysImmediate() {
        MilBuilder b = builder(Opset.IOS15);
        b.constantStream("small", TensorType.of(DataType.FLOAT32, 3), w -> w.writeFloats(new float[] {1, 2, 3}, 0, 3));
        assertTrue(sink.blobs.isEmpty());
        Var x = b.input("x", TensorType.of(DataType.FLOAT32, 3));
        b.output("y", b.add("y", x, b.value("small")));
        Operation op = b.build(Metadata.empty()).program().main().block().operations().get(0);
        ConstValue.Immediate imm = assertInstanceOf(ConstValue.Immediate.class, op.value());
        assertEquals(2f, ByteBuffer.wrap(imm.bytes()).order(ByteOrder.LITTLE_ENDIAN).getFloat(4));
    }

    @Test
    void constantBufferTakesADirectBufferAsIs() {
        MilBuilder b = builder(Opset.IOS15);
        ByteBuffer direct = ByteBuffer.allocateDirect(40).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 10; i++) direct.putFloat(i);
        direct.flip();
        b.constantBuffer("w", TensorType.of(DataType.FLOAT32, 10), direct);
        assertEquals(0, direct.position());
        assertEquals(9f, sink.blobs.get(0).order(ByteOrder.LITTLE_ENDIAN).getFloat(36));
    }

    @Test
    void streamOfTheWrongLengthFailsNamingTheConstant() {
        MilBuilder b = builder(Opset.IOS15);
        MilException e = assertThrows(MilException.class, () -> b.constantStream("short", TensorType.of(DataType.FLOAT32, 2),
                w -> w.writeFloats(new float[] {1}, 0, 1)));
        assertTrue(e.getMessage().startsWith("const 'short': "), e.getMessage());
        MilException longer = assertThrows(MilException.class, () -> b.constantStream("long",
                TensorType.of(DataType.FLOAT32, 2), w -> w.writeFloats(new float[] {1, 2, 3}, 0, 3)));
        assertTrue(longer.getMessage().contains("exceed"), longer.getMessage());
        assertThrows(MilException.class, () -> b.constantFloats("n", TensorType.of(DataType.FLOAT32, 2), FloatBuffer.allocate(3)));
    }

    @Test
    void reusedNameFailsBeforeAnyBlobIsWritten() {
        MilBuilder b = builder(Opset.IOS15);
        b.constantFloats("w", TensorType.of(DataType.FLOAT32, 10), FloatBuffer.allocate(10));
        assertThrows(MilException.class, () -> b.constantFloats("w", TensorType.of(DataType.FLOAT32, 10), FloatBuffer.allocate(10)));
        assertEquals(1, sink.blobs.size());
    }

    @Test
    void int32ConstantsGoToBlobsOnlyFromIos18() {
        assertFalse(builder(Opset.IOS17).isBlobBacked(TensorType.of(DataType.INT32, 10)));
        assertTrue(builder(Opset.IOS18).isBlobBacked(TensorType.of(DataType.INT32, 10)));
        assertFalse(builder(Opset.IOS18).isBlobBacked(TensorType.of(DataType.FLOAT16, 9)));
        assertFalse(builder(Opset.IOS18).isBlobBacked(TensorType.of(DataType.BOOL, 100)));
    }

    @Test
    void gatherWritesBatchDimsOnlyWhereTheOpsetHasIt() {
        for (Opset o : new Opset[] {Opset.IOS15, Opset.IOS16}) {
            MilBuilder b = builder(o);
            Var table = b.constant("t", TensorType.of(DataType.FLOAT32, 4, 2), new float[8]);
            Var idx = b.input("i", TensorType.of(DataType.INT32, 3));
            Var g = b.gather("g", table, idx, 0);
            assertEquals(TensorType.of(DataType.FLOAT32, 3, 2), g.type());
            Operation op = last(b, g);
            assertEquals(o == Opset.IOS16, op.inputs().containsKey("batch_dims"), o.toString());
        }
    }

    @Test
    void sliceUpdateReplacesARowOfACache() {
        MilBuilder b = builder(Opset.IOS18);
        Var cache = b.readState("c", b.state("cache", TensorType.of(DataType.FLOAT16, 1, 41, 8, 128)));
        Var row = b.input("row", TensorType.of(DataType.FLOAT16, 1, 1, 8, 128));
        Var updated = b.sliceUpdate("put", cache, row, new int[] {0, 5, 0, 0}, new int[] {1, 6, 8, 128});
        assertEquals(cache.type(), updated.type());
        MilException e = assertThrows(MilException.class,
                () -> b.sliceUpdate("bad", cache, row, new int[] {0, 5, 0, 0}, new int[] {1, 7, 8, 128}));
        assertEquals("op 'bad' (slice_update): update fp16[1, 1, 8, 128] != slice shape [1, 2, 8, 128]", e.getMessage());
    }

    @Test
    void iOS18OpsNeedIos18() {
        MilBuilder b = builder(Opset.IOS17);
        Var x = b.input("x", TensorType.of(DataType.FLOAT16, 1, 2, 4));
        MilException e = assertThrows(MilException.class, () -> b.scaledDotProductAttention("a", x, x, x, null));
        assertEquals("op 'a' (scaled_dot_product_attention): needs opset CoreML8, builder targets CoreML7", e.getMessage());
        assertThrows(MilException.class, () -> b.sliceUpdate("s", x, x, new int[] {0, 0, 0}, new int[] {1, 2, 4}));
    }

    @Test
    void attentionInfersScoresAndChecksTheMask() {
        MilBuilder b = builder(Opset.IOS18);
        Var q = b.input("q", TensorType.of(DataType.FLOAT16, 1, 8, 3, 16));
        Var k = b.input("k", TensorType.of(DataType.FLOAT16, 1, 8, 43, 16));
        Var v = b.input("v", TensorType.of(DataType.FLOAT16, 1, 8, 43, 32));
        Var bias = b.input("bias", TensorType.of(DataType.FLOAT16, 1, 1, 1, 43));
        assertEquals(TensorType.of(DataType.FLOAT16, 1, 8, 3, 32), b.scaledDotProductAttention("a", q, k, v, bias).type());
        Var wrong = b.input("wrong", TensorType.of(DataType.FLOAT16, 1, 1, 1, 42));
        MilException e = assertThrows(MilException.class, () -> b.scaledDotProductAttention("a2", q, k, v, wrong));
        assertTrue(e.getMessage().startsWith("op 'a2' (scaled_dot_product_attention): shapes [1, 1, 1, 42] and [1, 8, 3, 43]"),
                e.getMessage());
    }

    @Test
    void shapeOpsInferTheirOutputs() {
        MilBuilder b = builder(Opset.IOS15);
        Var x = b.input("x", TensorType.of(DataType.FLOAT32, 2, 10, 6));
        assertEquals(TensorType.of(DataType.FLOAT32, 2, 4, 3), b.sliceByIndex("s", x, new int[] {0, 1, 0}, new int[] {2, 9, 6},
                new int[] {1, 2, 2}).type());
        assertEquals(TensorType.of(DataType.FLOAT32, 1, 7, 6), b.sliceBySize("z", x, new int[] {1, 3, 0}, new int[] {1, -1, -1}).type());
        Var idx = b.constantInts("i", TensorType.of(DataType.INT32, 2, 3, 6), new int[36]);
        assertEquals(TensorType.of(DataType.FLOAT32, 2, 3, 6), b.gatherAlongAxis("ga", x, idx, 1).type());
        assertEquals(x.type(), b.cumsum("cs", x, -1, false, true).type());
        assertEquals(TensorType.of(DataType.INT32, 2, 6), b.reduceArgmin("am", x, 1, false).type());
        assertEquals(TensorType.of(DataType.FLOAT32, 2, 1, 6), b.reduceMin("mn", x, new int[] {1}, true).type());
        assertEquals(TensorType.of(DataType.BOOL, 2, 10, 6), b.notEqual("ne", x, x).type());
        MilException e = assertThrows(MilException.class, () -> b.sliceBySize("bad", x, new int[] {0, 8, 0}, new int[] {2, 3, 6}));
        assertEquals("op 'bad' (slice_by_size): axis 1 begin 8 size 3 outside fp32[2, 10, 6]", e.getMessage());
    }

    @Test
    void normalizationsCheckTheirChannelParameters() {
        MilBuilder b = builder(Opset.IOS15);
        Var x = b.input("x", TensorType.of(DataType.FLOAT32, 1, 4, 5, 5));
        Var mean = b.constant("mean", TensorType.of(DataType.FLOAT32, 4), new float[4]);
        Var var = b.constant("var", TensorType.of(DataType.FLOAT32, 4), new float[] {1, 1, 1, 1});
        assertEquals(x.type(), b.batchNorm("bn", x, mean, var, null, null, 1e-5f).type());
        assertEquals(x.type(), b.instanceNorm("in", x, var, mean, 1e-5f).type());
        Var three = b.constant("three", TensorType.of(DataType.FLOAT32, 3), new float[3]);
        MilException e = assertThrows(MilException.class, () -> b.instanceNorm("in2", x, three, null, 1e-5f));
        assertEquals("op 'in2' (instance_norm): bias fp32[3] != [4]", e.getMessage());
    }

    @Test
    void numericUnaryOpsAcceptInt32AndFloatOnlyOpsDoNot() {
        MilBuilder b = builder(Opset.IOS15);
        Var i = b.input("i", TensorType.of(DataType.INT32, 3));
        assertEquals(i.type(), b.abs("a", i).type());
        assertEquals(i.type(), b.sign("s", i).type());
        MilException e = assertThrows(MilException.class, () -> b.silu("si", i));
        assertEquals("op 'si' (silu): x must be fp16 or fp32, got int32[3]", e.getMessage());
    }

    @Test
    void everyOpTheBuilderEmitsIsKnownToTheReader() {
        MilBuilder b = builder(Opset.IOS18);
        Var x = b.input("x", TensorType.of(DataType.FLOAT16, 1, 4));
        Var y = b.add("y0", b.silu("s", x), b.erf("e", b.sin("sn", b.cos("cs", x))));
        y = b.mul("m", b.floor("f", b.ceil("c", b.round("r", y))), b.inverse("inv", b.exp2("e2", y), 1e-4f));
        y = b.leakyRelu("lr", b.square("sq", y), 0.1f);
        Var cond = b.logicalXor("lx", b.logicalOr("lo", b.less("l", x, y), b.greater("g", x, y)), b.equal("eq", x, y));
        y = b.select("sel", cond, b.floorDiv("fd", x, y), b.mod("md", x, y));
        y = b.reduceProd("rp", b.reduceSumSquare("rss", b.reduceL2Norm("rl2", b.reduceLogSumExp("rlse", b.expandDims("ed", y, 0),
                new int[] {0}, true), new int[] {0}, true), new int[] {0}, true), new int[] {0}, false);
        b.output("y", y);
        Model m = b.build(Metadata.empty());
        dev.mrt2.mil.codec.ModelValidator.validate(m);
        for (Operation op : m.program().main().block().operations()) {
            assertTrue(dev.mrt2.mil.exec.OpCatalog.find(op.type()) != null, op.type());
        }
    }

    @Test
    void decoderAndGlueOpsInferShapesAndValidate() {
        MilBuilder b = builder(Opset.IOS15);
        Var x = b.input("x", TensorType.of(DataType.FLOAT32, 1, 4, 8, 6));
        Var k = b.constant("k", TensorType.of(DataType.FLOAT32, 6, 4, 3, 3), new float[6 * 4 * 9]);
        Var bias = b.constant("kb", TensorType.of(DataType.FLOAT32, 6), new float[6]);
        Var c = b.conv("conv", x, k, bias, new int[] {2, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
        assertEquals(TensorType.of(DataType.FLOAT32, 1, 6, 4, 6), c.type());
        Var kt = b.constant("kt", TensorType.of(DataType.FLOAT32, 6, 4, 4, 1), new float[6 * 4 * 4]);
        Var up = b.convTranspose("up", c, kt, null, new int[] {2, 1}, new int[] {1, 1, 0, 0}, 1);
        assertEquals(TensorType.of(DataType.FLOAT32, 1, 4, 8, 6), up.type());
        MilException e = assertThrows(MilException.class,
                () -> b.conv("bad", x, k, null, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 2));
        assertEquals("op 'bad' (conv): x channels 4 != weight dim 1 (4) x groups 2", e.getMessage());
        Var y = b.elu("elu", b.clip("clip", b.tanh("tanh", b.sigmoid("sig", b.softplus("sp", b.relu("relu", up)))), -1f, 1f), 1f);
        y = b.sub("sub", b.realDiv("div", b.pow("pow", b.sqrt("sqrt", b.exp("exp", y)), y), b.maximum("max", y, y)), b.minimum("min", y, y));
        y = b.rsqrt("rsqrt", b.log("log", b.abs("abs", y), 1e-6f), 1e-6f);
        Var padded = b.pad("pad", y, new int[] {0, 0, 1, 2}, 0f);
        assertEquals(TensorType.of(DataType.FLOAT32, 1, 4, 8, 9), padded.type());
        Var t = b.tile("tile", b.squeeze("sq", b.expandDims("ed", padded, 0), 0), 1, 1, 2, 1);
        assertEquals(TensorType.of(DataType.FLOAT32, 1, 4, 16, 9), t.type());
        Var mm = b.matmul("mm", t, b.transpose("tr", t, 0, 1, 3, 2), false, false);
        assertEquals(TensorType.of(DataType.FLOAT32, 1, 4, 16, 16), mm.type());
        Var ok = b.logicalAnd("and", b.greaterEqual("ge", mm, mm), b.logicalNot("not", b.lessEqual("le", mm, mm)));
        Var am = b.reduceArgmax("am", b.reduceMax("rmax", b.select("sel", ok, mm, mm), new int[] {1}, false), -1, false);
        assertEquals(TensorType.of(DataType.INT32, 1, 16), am.type());
        b.output("codes", b.identity("id", am));
        Model m = b.build(Metadata.empty());
        dev.mrt2.mil.codec.ModelValidator.validate(m);
        for (Operation op : m.program().main().block().operations()) {
            assertTrue(dev.mrt2.mil.exec.OpCatalog.find(op.type()) != null, op.type());
        }
    }

    @Test
    void bytesAndValuesAgree() {
        MilBuilder b = builder(Opset.IOS15);
        byte[] raw = {1, 0, 0, 0, 2, 0, 0, 0};
        Var c = b.constantBytes("c", TensorType.of(DataType.INT32, 2), raw);
        Operation op = last(b, c);
        assertArrayEquals(raw, ((ConstValue.Immediate) op.value()).bytes());
    }

    private static Operation last(MilBuilder b, Var v) {
        List<Operation> ops = b.operations();
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (!ops.get(i).outputs().isEmpty() && ops.get(i).outputs().get(0).equals(v)) return ops.get(i);
        }
        throw new AssertionError("no op defines " + v);
    }
}
