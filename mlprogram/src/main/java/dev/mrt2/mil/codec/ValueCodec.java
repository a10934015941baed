package dev.mrt2.mil.codec;

import com.google.protobuf.ByteString;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.ValueType;
import dev.mrt2.mil.proto.MilProtos;
import dev.mrt2.mil.proto.MilProtos.TensorValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Constant values between our records and MIL.proto {@code Value}s. Immediates use the TensorValue member that
 * coremltools fixes for each element type (coreml-mlpackage.md §5.1, Table 5-1); our in-memory form is always
 * little-endian element bytes (bool: one byte per element), strings aside.
 */
final class ValueCodec {
    private ValueCodec() {}

    /** The rank-0 STRING value used for every op's "name" attribute (§5.2). */
    static MilProtos.Value stringScalar(String s) {
        return MilProtos.Value.newBuilder()
                .setType(TypeCodec.encode(TensorType.scalar(DataType.STRING)))
                .setImmediateValue(MilProtos.Value.ImmediateValue.newBuilder().setTensor(TensorValue.newBuilder()
                        .setStrings(TensorValue.RepeatedStrings.newBuilder().addValues(s))))
                .build();
    }

    static MilProtos.Value encode(ConstValue value) {
        MilProtos.Value.Builder b = MilProtos.Value.newBuilder().setType(TypeCodec.encode(value.type()));
        if (value instanceof ConstValue.Blob blob) {
            // BlobFileValue.offset (field 2) = M, the metadata record offset, not M + 64
            b.setBlobFileValue(MilProtos.Value.BlobFileValue.newBuilder()
                    .setFileName(blob.fileName()).setOffset(blob.offset()));
        } else {
            b.setImmediateValue(MilProtos.Value.ImmediateValue.newBuilder()
                    .setTensor(encodeTensor((ConstValue.Immediate) value)));
        }
        return b.build();
    }

    private static TensorValue encodeTensor(ConstValue.Immediate imm) {
        TensorType t = imm.type();
        int n = elementCount(t, "immediate " + t);
        TensorValue.Builder b = TensorValue.newBuilder();
        if (t.dataType() == DataType.STRING) {
            List<String> strings = imm.strings() == null ? List.of() : imm.strings();
            if (strings.size() != n) {
                throw new MilException("string constant " + t + " holds " + strings.size() + " strings");
            }
            return b.setStrings(TensorValue.RepeatedStrings.newBuilder().addAllValues(strings)).build();
        }
        int size = t.dataType().byteSize();
        if (imm.bytes().length != (long) n * size) {
            throw new MilException("constant " + t + " holds " + imm.bytes().length + " bytes, expected " + (long) n * size);
        }
        ByteBuffer d = ByteBuffer.wrap(imm.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dataType()) {
            case FLOAT32 -> {
                TensorValue.RepeatedFloats.Builder r = TensorValue.RepeatedFloats.newBuilder();
                for (int i = 0; i < n; i++) r.addValues(d.getFloat(4 * i));
                b.setFloats(r);
            }
            case FLOAT64 -> {
                TensorValue.RepeatedDoubles.Builder r = TensorValue.RepeatedDoubles.newBuilder();
                for (int i = 0; i < n; i++) r.addValues(d.getDouble(8 * i));
                b.setDoubles(r);
            }
            // fp16 goes into the single bytes field as raw binary16, never into floats (§10 pitfall 5)
            case FLOAT16, INT8, UINT8, UINT32 -> b.setBytes(TensorValue.RepeatedBytes.newBuilder()
                    .setValues(ByteString.copyFrom(imm.bytes())));
            case INT16, UINT16, INT32 -> {
                TensorValue.RepeatedInts.Builder r = TensorValue.RepeatedInts.newBuilder();
                for (int i = 0; i < n; i++) {
                    r.addValues(switch (t.dataType()) {
                        case INT16 -> d.getShort(2 * i);
                        case UINT16 -> Short.toUnsignedInt(d.getShort(2 * i));
                        default -> d.getInt(4 * i);
                    });
                }
                b.setInts(r);
            }
            case INT64 -> {
                TensorValue.RepeatedLongInts.Builder r = TensorValue.RepeatedLongInts.newBuilder();
                for (int i = 0; i < n; i++) r.addValues(d.getLong(8 * i));
                b.setLongInts(r);
            }
            case BOOL -> {
                TensorValue.RepeatedBools.Builder r = TensorValue.RepeatedBools.newBuilder();
                for (int i = 0; i < n; i++) r.addValues(d.get(i) != 0);
                b.setBools(r);
            }
            default -> throw new MilException("constant " + t + ": no immediate encoding");
        }
        return b.build();
    }

    /** The TensorValue member Table 5-1 assigns to {@code dt}. */
    static TensorValue.ValueCase memberFor(DataType dt) {
        return switch (dt) {
            case BOOL -> TensorValue.ValueCase.BOOLS;
            case STRING -> TensorValue.ValueCase.STRINGS;
            case FLOAT32 -> TensorValue.ValueCase.FLOATS;
            case FLOAT64 -> TensorValue.ValueCase.DOUBLES;
            case FLOAT16, INT8, UINT8, UINT32 -> TensorValue.ValueCase.BYTES;
            case INT16, UINT16, INT32 -> TensorValue.ValueCase.INTS;
            case INT64 -> TensorValue.ValueCase.LONGINTS;
        };
    }

    static ConstValue decode(MilProtos.Value v, String where, BlobResolver blobs) {
        if (!v.getDocString().isEmpty()) {
            throw new MilException(where + ": value has a docString (not allowed)");
        }
        if (!v.hasType()) {
            throw new MilException(where + ": value has no type");
        }
        ValueType vt = TypeCodec.decode(v.getType(), where);
        if (!(vt instanceof TensorType t)) {
            throw new MilException(where + ": a constant cannot be of type " + vt);
        }
        switch (v.getValueCase()) {
            case BLOBFILEVALUE: {
                MilProtos.Value.BlobFileValue f = v.getBlobFileValue();
                if (f.getOffset() < 0) {
                    throw new MilException(where + ": blob offset beyond 2^63");
                }
                return blobs.resolve(f.getFileName(), f.getOffset(), t);
            }
            case IMMEDIATEVALUE: {
                MilProtos.Value.ImmediateValue imm = v.getImmediateValue();
                if (imm.getValueCase() != MilProtos.Value.ImmediateValue.ValueCase.TENSOR) {
                    throw new MilException(where + ": " + imm.getValueCase() + " immediates are not supported (only tensors)");
                }
                return decodeTensor(imm.getTensor(), t, where);
            }
            default:
                throw new MilException(where + ": value holds neither an immediate nor a blob");
        }
    }

    private static ConstValue.Immediate decodeTensor(TensorValue tv, TensorType t, String where) {
        int n = elementCount(t, where);
        DataType dt = t.dataType();
        TensorValue.ValueCase expected = memberFor(dt);
        if (tv.getValueCase() != expected) {
            throw new MilException(where + ": " + t + " immediate stored in '" + tv.getValueCase().name().toLowerCase(Locale.ROOT)
                    + "', expected '" + expected.name().toLowerCase(Locale.ROOT) + "' (Table 5-1)");
        }
        if (dt == DataType.STRING) {
            List<String> strings = tv.getStrings().getValuesList();
            checkCount(strings.size(), n, t, where);
            byte[] bytes = n == 1 ? strings.get(0).getBytes(StandardCharsets.UTF_8) : new byte[0];
            return new ConstValue.Immediate(t, bytes, strings);
        }
        ByteBuffer out = ByteBuffer.allocate(n * dt.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (expected) {
            case FLOATS -> {
                checkCount(tv.getFloats().getValuesCount(), n, t, where);
                for (float f : tv.getFloats().getValuesList()) out.putFloat(f);
            }
            case DOUBLES -> {
                checkCount(tv.getDoubles().getValuesCount(), n, t, where);
                for (double f : tv.getDoubles().getValuesList()) out.putDouble(f);
            }
            case BYTES -> {
                ByteString bytes = tv.getBytes().getValues();
                if (bytes.size() != out.capacity()) {
                    throw new MilException(where + ": " + t + " immediate holds " + bytes.size() + " bytes, expected "
                            + out.capacity());
                }
                bytes.copyTo(out);
            }
            case INTS -> {
                checkCount(tv.getInts().getValuesCount(), n, t, where);
                for (int v : tv.getInts().getValuesList()) {
                    if (dt == DataType.INT32) {
                        out.putInt(v);
                    } else {
                        out.putShort((short) v);   // int16/uint16 are widened to int32 on the wire
                    }
                }
            }
            case LONGINTS -> {
                checkCount(tv.getLongInts().getValuesCount(), n, t, where);
                for (long v : tv.getLongInts().getValuesList()) out.putLong(v);
            }
            case BOOLS -> {
                checkCount(tv.getBools().getValuesCount(), n, t, where);
                for (boolean v : tv.getBools().getValuesList()) out.put((byte) (v ? 1 : 0));
            }
            default -> throw new MilException(where + ": unsupported immediate member " + expected);
        }
        return new ConstValue.Immediate(t, out.array(), null);
    }

    private static void checkCount(int actual, int expected, TensorType t, String where) {
        if (actual != expected) {
            throw new MilException(where + ": " + t + " immediate holds " + actual + " elements, expected " + expected);
        }
    }

    private static int elementCount(TensorType t, String where) {
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE / 8) {
            throw new MilException(where + ": immediate " + t + " is too large to hold inline");
        }
        return (int) n;
    }
}
