package dev.mrt2.tensor;

import dev.mrt2.safetensors.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * A NumPy array-protocol type string ({@code descr}) that we read: byte order ({@code <} little, {@code >} big,
 * {@code |} not applicable, {@code =} this machine's), kind and item size. Whatever NumPy, PyTorch or MLX wrote,
 * values land in our three kinds:
 * <ul>
 *   <li>{@code f2} → F16, {@code f4} → F32, {@code f8} → F32 rounded to nearest (a finite value beyond float32's
 *       range is an error, not an infinity: these files are inputs and references);</li>
 *   <li>{@code i1 i2 i4 i8 u1 u2 u4 u8} → I32, each value checked to fit;</li>
 *   <li>{@code b1} (and {@code ?}) → BOOL, bytes 0 or 1.</li>
 * </ul>
 * We write only {@code <f4 <f2 <i4 |b1}, which is what {@code np.save} writes for those arrays.
 */
record NpyDtype(String descr, char kind, int bytes, ByteOrder order) {

    static NpyDtype parse(String source, String descr) {
        if (descr.length() >= 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            char kind = descr.charAt(1);
            int bytes = -1;
            try {
                bytes = Integer.parseInt(descr.substring(2));
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            if (readable(kind, bytes)) {
                return new NpyDtype(descr, kind == '?' ? 'b' : kind, bytes, order(descr.charAt(0)));
            }
        }
        throw TensorFileException.of(source, "unsupported NPY dtype '" + descr + "' (supported: float f2/f4/f8, "
                + "integer i1-i8/u1-u8, bool b1, either byte order)");
    }

    static NpyDtype of(NdArray.Kind kind) {
        return switch (kind) {
            case F32 -> new NpyDtype("<f4", 'f', 4, ByteOrder.LITTLE_ENDIAN);
            case F16 -> new NpyDtype("<f2", 'f', 2, ByteOrder.LITTLE_ENDIAN);
            case I32 -> new NpyDtype("<i4", 'i', 4, ByteOrder.LITTLE_ENDIAN);
            case BOOL -> new NpyDtype("|b1", 'b', 1, ByteOrder.LITTLE_ENDIAN);
        };
    }

    /** NumPy's name for the type, e.g. {@code float64}, {@code uint8}, {@code bool}; byte order aside. */
    String numpyName() {
        return switch (kind) {
            case 'f' -> "float" + 8 * bytes;
            case 'i' -> "int" + 8 * bytes;
            case 'u' -> "uint" + 8 * bytes;
            default -> "bool";
        };
    }

    private static boolean readable(char kind, int bytes) {
        return switch (kind) {
            case 'f' -> bytes == 2 || bytes == 4 || bytes == 8;
            case 'i', 'u' -> bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
            case 'b', '?' -> bytes == 1;
            default -> false;
        };
    }

    private static ByteOrder order(char c) {
        return switch (c) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
    }

    /** {@code count} values from {@code data} (positioned at the first, any order) into an array of {@code shape}. */
    NdArray decode(String source, int[] shape, ByteBuffer data, int count) {
        ByteBuffer d = data.order(order);
        switch (kind) {
            case 'f' -> {
                float[] v = new float[count];
                if (bytes == 4) {
                    d.asFloatBuffer().get(v);
                    return NdArray.f32(shape, v);
                }
                if (bytes == 2) {
                    for (int i = 0; i < count; i++) {
                        v[i] = Float16.toFloat(d.getShort(2 * i));
                    }
                    return NdArray.f16(shape, v);
                }
                for (int i = 0; i < count; i++) {
                    double x = d.getDouble(8 * i);
                    v[i] = (float) x;
                    if (Double.isFinite(x) && Float.isInfinite(v[i])) {
                        throw TensorFileException.of(source, String.format(Locale.ROOT,
                                "%s element %d = %s is beyond float32's range", descr, i, x));
                    }
                }
                return NdArray.f32(shape, v);
            }
            case 'i', 'u' -> {
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    long x = integer(d, i);
                    boolean hugeUnsigned = kind == 'u' && x < 0;   // a u8 beyond Long.MAX_VALUE
                    if (hugeUnsigned || x != (int) x) {
                        throw TensorFileException.of(source, descr + " element " + i + " = "
                                + (kind == 'u' && bytes == 8 ? Long.toUnsignedString(x) : Long.toString(x))
                                + " does not fit in int32");
                    }
                    v[i] = (int) x;
                }
                return NdArray.i32(shape, v);
            }
            default -> {
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    int byteValue = d.get(i) & 0xff;
                    if (byteValue > 1) {
                        throw TensorFileException.of(source, "bool element " + i + " has byte value " + byteValue);
                    }
                    v[i] = byteValue;
                }
                return NdArray.bool(shape, v);
            }
        }
    }

    /** Element i as a long; an unsigned 64-bit value beyond Long.MAX_VALUE comes back negative. */
    private long integer(ByteBuffer d, int i) {
        boolean unsigned = kind == 'u';
        return switch (bytes) {
            case 1 -> unsigned ? d.get(i) & 0xffL : d.get(i);
            case 2 -> unsigned ? d.getShort(2 * i) & 0xffffL : d.getShort(2 * i);
            case 4 -> unsigned ? d.getInt(4 * i) & 0xffffffffL : d.getInt(4 * i);
            default -> d.getLong(8 * i);
        };
    }

    void encode(NdArray array, ByteBuffer out) {
        switch (descr) {
            case "<f4" -> {
                for (float f : array.floats()) out.putFloat(f);
            }
            case "<f2" -> {
                for (float f : array.floats()) out.putShort(Float16.fromFloat(f));
            }
            case "<i4" -> {
                for (int i : array.ints()) out.putInt(i);
            }
            case "|b1" -> {
                for (int i : array.ints()) out.put((byte) (i != 0 ? 1 : 0));
            }
            default -> throw new IllegalStateException("we never write " + descr);
        }
    }
}
