package dev.mrt2.mil.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.proto.MilProtos;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** coreml-mlpackage.md §7.6: canonical encodings of single Values, both ways. */
class SingleValueEncodingTest {
    private static final BlobResolver NO_BLOBS = (f, o, t) -> {
        throw new AssertionError("no blob expected");
    };

    @Test
    void opNameAttribute() {
        assertEncodes("12 04 0A 02 08 02 1A 07 0A 05 22 03 0A 01 79", ValueCodec.stringScalar("y"));
    }

    @Test
    void fp32Tensor() {
        ConstValue v = new ConstValue.Immediate(TensorType.of(DataType.FLOAT32, 1, 4), floats(1, 2, 3, 4), null);
        assertRoundTrip("12 12 0A 10 08 0B 10 02 1A 04 0A 02 08 01 1A 04 0A 02 08 04 1A 16 0A 14 0A 12 0A 10"
                + " 00 00 80 3F 00 00 00 40 00 00 40 40 00 00 80 40", v);
    }

    @Test
    void fp16TensorGoesIntoBytes() {
        byte[] half = {0x00, 0x3C, 0x00, 0x40, 0x00, 0x42, 0x00, 0x44};
        ConstValue v = new ConstValue.Immediate(TensorType.of(DataType.FLOAT16, 1, 4), half, null);
        assertRoundTrip("12 12 0A 10 08 0A 10 02 1A 04 0A 02 08 01 1A 04 0A 02 08 04 1A 0E 0A 0C 3A 0A 0A 08"
                + " 00 3C 00 40 00 42 00 44", v);
    }

    @Test
    void int32TensorWithNegativeTakesTenBytes() {
        ConstValue v = new ConstValue.Immediate(TensorType.of(DataType.INT32, 3), ints(0, -1, 300), null);
        assertRoundTrip("12 0C 0A 0A 08 17 10 01 1A 04 0A 02 08 03 1A 13 0A 11 12 0F 0A 0D 00 FF FF FF FF FF FF FF FF"
                + " FF 01 AC 02", v);
    }

    @Test
    void int32Scalar() {
        ConstValue v = new ConstValue.Immediate(TensorType.scalar(DataType.INT32), ints(-1), null);
        assertRoundTrip("12 04 0A 02 08 17 1A 10 0A 0E 12 0C 0A 0A FF FF FF FF FF FF FF FF FF 01", v);
    }

    @Test
    void boolScalarFalseStillHasOneElementByte() {
        ConstValue v = new ConstValue.Immediate(TensorType.scalar(DataType.BOOL), new byte[] {0}, null);
        assertRoundTrip("12 04 0A 02 08 01 1A 07 0A 05 1A 03 0A 01 00", v);
    }

    @Test
    void blobReferenceUsesField5AndTheMetadataOffset() {
        TensorType t = TensorType.of(DataType.FLOAT32, 1, 10);
        ConstValue v = new ConstValue.Blob(t, "@model_path/weights/weight.bin", 64, (o, ty) -> null);
        String hex = "12 12 0A 10 08 0B 10 02 1A 04 0A 02 08 01 1A 04 0A 02 08 0A 2A 22 0A 1E 40 6D 6F 64 65 6C 5F 70 61"
                + " 74 68 2F 77 65 69 67 68 74 73 2F 77 65 69 67 68 74 2E 62 69 6E 10 40";
        assertEncodes(hex, ValueCodec.encode(v));
        ConstValue back = ValueCodec.decode(parse(hex), "test", (f, o, ty) -> {
            assertEquals("@model_path/weights/weight.bin", f);
            assertEquals(64, o);
            assertEquals(t, ty);
            return new ConstValue.Blob(ty, f, o, (oo, tt) -> null);
        });
        assertEquals(t, back.type());
    }

    @Test
    void emptyTensorKeepsItsEmptyMember() {
        ConstValue v = new ConstValue.Immediate(TensorType.of(DataType.FLOAT32, 0), new byte[0], null);
        assertRoundTrip("12 0A 0A 08 08 0B 10 01 1A 02 0A 00 1A 04 0A 02 0A 00", v);
    }

    @Test
    void symbolicDimensionIsRejected() {
        MilProtos.Value typeOnly = parse("12 10 0A 0E 08 0A 10 02 1A 04 0A 02 08 01 1A 02 12 00");
        MilException e = assertThrows(MilException.class, () -> ValueCodec.decode(typeOnly, "val", NO_BLOBS));
        assertTrue(e.getMessage().contains("symbolic shapes are not supported"), e.getMessage());
    }

    @Test
    void otherDtypesUseTheirTable51Members() {
        TensorType i8 = TensorType.of(DataType.INT8, 2);
        TensorType u16 = TensorType.of(DataType.UINT16, 2);
        TensorType i64 = TensorType.of(DataType.INT64, 1);
        TensorType str = TensorType.of(DataType.STRING, 2);
        assertEquals(MilProtos.TensorValue.ValueCase.BYTES, member(new ConstValue.Immediate(i8, new byte[] {1, -2}, null)));
        assertEquals(MilProtos.TensorValue.ValueCase.INTS, member(new ConstValue.Immediate(u16, new byte[] {-1, -1, 2, 0}, null)));
        assertEquals(MilProtos.TensorValue.ValueCase.LONGINTS, member(new ConstValue.Immediate(i64, new byte[8], null)));
        assertEquals(MilProtos.TensorValue.ValueCase.STRINGS, member(new ConstValue.Immediate(str, new byte[0], List.of("a", "b"))));
        // uint16 65535 is widened to int32 65535 on the wire and narrowed back on reading
        ConstValue.Immediate back = (ConstValue.Immediate) ValueCodec.decode(
                ValueCodec.encode(new ConstValue.Immediate(u16, new byte[] {-1, -1, 2, 0}, null)), "v", NO_BLOBS);
        assertArrayEquals(new byte[] {-1, -1, 2, 0}, back.bytes());
        assertEquals(65535, ValueCodec.encode(new ConstValue.Immediate(u16, new byte[] {-1, -1, 2, 0}, null))
                .getImmediateValue().getTensor().getInts().getValues(0));
    }

    private static MilProtos.TensorValue.ValueCase member(ConstValue v) {
        MilProtos.Value encoded = ValueCodec.encode(v);
        ConstValue back = ValueCodec.decode(encoded, "v", NO_BLOBS);
        assertEquals(v.type(), back.type());
        return encoded.getImmediateValue().getTensor().getValueCase();
    }

    private static void assertRoundTrip(String hex, ConstValue v) {
        assertEncodes(hex, ValueCodec.encode(v));
        ConstValue.Immediate back = (ConstValue.Immediate) ValueCodec.decode(parse(hex), "test", NO_BLOBS);
        assertEquals(v.type(), back.type());
        assertArrayEquals(((ConstValue.Immediate) v).bytes(), back.bytes());
    }

    private static void assertEncodes(String hex, MilProtos.Value value) {
        assertEquals(hex, HexFormat.ofDelimiter(" ").withUpperCase().formatHex(value.toByteArray()));
    }

    private static MilProtos.Value parse(String hex) {
        try {
            return MilProtos.Value.parseFrom(HexFormat.ofDelimiter(" ").parseHex(hex));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) b.putInt(i);
        return b.array();
    }
}
