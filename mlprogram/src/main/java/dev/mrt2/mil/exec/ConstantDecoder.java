package dev.mrt2.mil.exec;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.tensor.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a {@code const} payload (immediate or a view of the memory-mapped weight.bin) into an {@link NdArray}:
 * fp16 stays F16 (every value exact), fp32/fp64 become F32, every integer width becomes I32, bool stays BOOL.
 */
final class ConstantDecoder {
    /** binary16 pattern to float: weights decode through this table instead of bit twiddling per element. */
    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int i = 0; i < HALF_TO_FLOAT.length; i++) {
            HALF_TO_FLOAT[i] = Float16.toFloat((short) i);
        }
    }

    private ConstantDecoder() {}

    static float halfToFloat(short bits) {
        return HALF_TO_FLOAT[bits & 0xFFFF];
    }

    /** The raw binary16 patterns of an fp16 constant (half the memory of its float values). */
    static short[] halfBits(ConstValue value) {
        TensorType type = value.type();
        if (type.dataType() != DataType.FLOAT16) {
            throw new IllegalArgumentException("not an fp16 constant: " + type);
        }
        int n = Math.toIntExact(type.elementCount());
        ByteBuffer data = value.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (data.remaining() < 2L * n) {
            throw new ExecutorException("constant of type " + type + " holds " + data.remaining() + " bytes, needs " + 2L * n);
        }
        short[] bits = new short[n];
        data.asShortBuffer().get(bits);
        return bits;
    }

    static boolean isString(ConstValue value) {
        return value.type().dataType() == DataType.STRING;
    }

    static String string(ConstValue value) {
        if (!(value instanceof ConstValue.Immediate imm) || imm.strings() == null || imm.strings().size() != 1) {
            throw new ExecutorException("string constant of type " + value.type() + " must hold exactly one string");
        }
        return imm.strings().get(0);
    }

    static NdArray tensor(ConstValue value) {
        TensorType type = value.type();
        int[] shape = type.intDims();
        int n = Math.toIntExact(type.elementCount());
        ByteBuffer data = value.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long needed = (long) n * Math.max(1, type.dataType().byteSize());
        if (data.remaining() < needed) {
            throw new ExecutorException("constant of type " + type + " holds " + data.remaining() + " bytes, needs " + needed);
        }
        return switch (type.dataType()) {
            case FLOAT16 -> {
                short[] bits = halfBits(value);
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = HALF_TO_FLOAT[bits[i] & 0xFFFF];
                }
                yield NdArray.f16Rounded(shape, f);
            }
            case FLOAT32 -> {
                float[] f = new float[n];
                data.asFloatBuffer().get(f);
                yield NdArray.f32(shape, f);
            }
            case FLOAT64 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) data.getDouble(data.position() + 8 * i);
                }
                yield NdArray.f32(shape, f);
            }
            case BOOL -> NdArray.bool(shape, bytes(data, n, false));
            case INT8 -> NdArray.i32(shape, bytes(data, n, true));
            case UINT8 -> NdArray.i32(shape, bytes(data, n, false));
            case INT16, UINT16 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    short s = data.getShort(data.position() + 2 * i);
                    v[i] = type.dataType() == DataType.INT16 ? s : s & 0xFFFF;
                }
                yield NdArray.i32(shape, v);
            }
            case INT32 -> {
                int[] v = new int[n];
                data.asIntBuffer().get(v);
                yield NdArray.i32(shape, v);
            }
            case UINT32, INT64 -> {
                int width = type.dataType() == DataType.INT64 ? 8 : 4;
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    long x = width == 8 ? data.getLong(data.position() + 8 * i)
                            : Integer.toUnsignedLong(data.getInt(data.position() + 4 * i));
                    if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                        throw new ExecutorException("constant of type " + type + ": element " + i + " = " + x
                                + " does not fit int32");
                    }
                    v[i] = (int) x;
                }
                yield NdArray.i32(shape, v);
            }
            default -> throw new ExecutorException("constants of type " + type + " are not supported");
        };
    }

    private static int[] bytes(ByteBuffer data, int n, boolean signed) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            byte b = data.get(data.position() + i);
            v[i] = signed ? b : b & 0xFF;
        }
        return v;
    }
}
