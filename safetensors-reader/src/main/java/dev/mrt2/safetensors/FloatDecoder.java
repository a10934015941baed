package dev.mrt2.safetensors;

import java.nio.ByteBuffer;

/** Widens any {@link DType} to float32, element by element (F32 in bulk). Integers round to the nearest float. */
final class FloatDecoder {
    private FloatDecoder() {}

    static void decode(DType dtype, ByteBuffer src, float[] dst, int off, int n) {
        switch (dtype) {
            case F32 -> src.asFloatBuffer().get(dst, off, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst[off + i] = Float16.toFloat(src.getShort(2 * i));
            }
            case BF16 -> {   // bfloat16 is the top half of a float32
                for (int i = 0; i < n; i++) dst[off + i] = Float.intBitsToFloat((src.getShort(2 * i) & 0xFFFF) << 16);
            }
            case F64 -> {
                for (int i = 0; i < n; i++) dst[off + i] = (float) src.getDouble(8 * i);
            }
            case BOOL, U8 -> {
                for (int i = 0; i < n; i++) dst[off + i] = src.get(i) & 0xFF;
            }
            case I8 -> {
                for (int i = 0; i < n; i++) dst[off + i] = src.get(i);
            }
            case I16 -> {
                for (int i = 0; i < n; i++) dst[off + i] = src.getShort(2 * i);
            }
            case U16 -> {
                for (int i = 0; i < n; i++) dst[off + i] = src.getShort(2 * i) & 0xFFFF;
            }
            case I32 -> {
                for (int i = 0; i < n; i++) dst[off + i] = src.getInt(4 * i);
            }
            case U32 -> {
                for (int i = 0; i < n; i++) dst[off + i] = src.getInt(4 * i) & 0xFFFFFFFFL;
            }
            case I64 -> {
                for (int i = 0; i < n; i++) dst[off + i] = src.getLong(8 * i);
            }
            case U64 -> {
                for (int i = 0; i < n; i++) dst[off + i] = unsignedToFloat(src.getLong(8 * i));
            }
            default -> throw new IllegalStateException("unhandled dtype " + dtype);
        }
    }

    private static float unsignedToFloat(long v) {
        if (v >= 0) {
            return v;
        }
        // Halve keeping the sticky bit so the final rounding is still correct, then double.
        return ((v >>> 1) | (v & 1)) * 2f;
    }
}
