package dev.mrt2.tensor;

import dev.mrt2.io.AtomicFile;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.tensor.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * NumPy {@code .npy} files, format versions 1.0 and 2.0, little-endian and C order only:
 *
 * <pre>
 * "\x93NUMPY" [u8 major] [u8 minor] [u16 LE header length (v1) | u32 LE (v2)] [ASCII header dict, space padded, '\n']
 * [data, C order]                      (magic + version + length + header is a multiple of 64 bytes)
 * </pre>
 *
 * dtypes: {@code <f4} (F32), {@code <f2} (F16), {@code <i4} (I32), {@code |b1} (BOOL), and {@code <i8}, read into I32
 * when every value fits. Anything else (big-endian, Fortran order, other dtypes, short data) is a
 * {@link TensorFileException} naming the file.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy pads magic + version + length + header to this alignment. */
    private static final int ALIGN = 64;

    public static NdArray read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw TensorFileException.of(file.toString(), "no such file", e);
        } catch (IOException e) {
            throw TensorFileException.of(file.toString(), "cannot read: " + e, e);
        }
        return parse(file.getFileName().toString(), bytes);
    }

    /** Parses a whole .npy file's bytes; {@code source} names it in errors. */
    public static NdArray parse(String source, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw TensorFileException.of(source, "not an NPY file (missing the \\x93NUMPY magic)");
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2 -> 4;
            default -> throw TensorFileException.of(source, "NPY format version " + major + "." + minor
                    + " is not supported (1.0 and 2.0 are)");
        };
        int start = 8 + lengthBytes;
        if (bytes.length < start) {
            throw TensorFileException.of(source, "truncated NPY header (" + bytes.length + " bytes)");
        }
        long headerLength = lengthBytes == 2 ? (b.getShort(8) & 0xffff) : (b.getInt(8) & 0xffffffffL);
        if (start + headerLength > bytes.length) {
            throw TensorFileException.of(source, "NPY header length " + headerLength + " runs past the end of the "
                    + bytes.length + "-byte file (truncated?)");
        }
        String text = new String(bytes, start, (int) headerLength, StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(source, text);
        if (header.fortranOrder()) {
            throw TensorFileException.of(source, "fortran_order is True; only C-order arrays are supported");
        }
        Dtype dtype = Dtype.of(source, header.descr());
        long count = NdArray.size(header.shape());
        long need = count * dtype.bytes;
        int dataStart = start + (int) headerLength;
        long have = bytes.length - (long) dataStart;
        if (have != need) {
            throw TensorFileException.of(source, (have < need ? "truncated data: " : "trailing bytes after the data: ")
                    + header.descr() + " " + Arrays.toString(header.shape()) + " needs " + need + " bytes, the file has "
                    + have);
        }
        ByteBuffer data = b.position(dataStart).slice().order(ByteOrder.LITTLE_ENDIAN);
        return dtype.decode(source, header.shape(), data, (int) count);
    }

    /** Writes {@code array} as .npy v1.0 atomically (temp sibling, then rename). */
    public static void write(Path file, NdArray array) {
        AtomicFile.write(file, format(array));
    }

    /** The exact bytes {@code np.save} writes for this array (v1.0, header padded to 64 bytes). */
    public static byte[] format(NdArray array) {
        Dtype dtype = Dtype.of(array.kind());
        String dict = new NpyHeader(dtype.descr, false, array.shape()).format();
        // header text = dict, spaces, '\n'; 10 bytes of preamble; total a multiple of 64
        int unpadded = 10 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        int headerLength = dict.length() + padding + 1;
        if (headerLength > 0xffff) {
            throw new IllegalArgumentException("NPY v1.0 header of " + headerLength + " bytes is too long");
        }
        long dataBytes = (long) array.size() * dtype.bytes;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(10 + headerLength + dataBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < padding; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        dtype.encode(array, out);
        return out.array();
    }

    /** The dtypes we read and write, with their NumPy {@code descr} and item size. */
    private enum Dtype {
        F4("<f4", 4), F2("<f2", 2), I4("<i4", 4), B1("|b1", 1), I8("<i8", 8);

        final String descr;
        final int bytes;

        Dtype(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        static Dtype of(String source, String descr) {
            for (Dtype d : values()) {
                if (d.descr.equals(descr)) {
                    return d;
                }
            }
            throw TensorFileException.of(source, "unsupported NPY dtype '" + descr
                    + "' (supported: <f4, <f2, <i4, |b1, <i8, little-endian)");
        }

        static Dtype of(NdArray.Kind kind) {
            return switch (kind) {
                case F32 -> F4;
                case F16 -> F2;
                case I32 -> I4;
                case BOOL -> B1;
            };
        }

        NdArray decode(String source, int[] shape, ByteBuffer data, int count) {
            switch (this) {
                case F4 -> {
                    float[] v = new float[count];
                    data.asFloatBuffer().get(v);
                    return NdArray.f32(shape, v);
                }
                case F2 -> {
                    float[] v = new float[count];
                    for (int i = 0; i < count; i++) {
                        v[i] = Float16.toFloat(data.getShort(2 * i));
                    }
                    return NdArray.f16(shape, v);
                }
                case I4 -> {
                    int[] v = new int[count];
                    data.asIntBuffer().get(v);
                    return NdArray.i32(shape, v);
                }
                case B1 -> {
                    int[] v = new int[count];
                    for (int i = 0; i < count; i++) {
                        int byteValue = data.get(i) & 0xff;
                        if (byteValue > 1) {
                            throw TensorFileException.of(source, "bool element " + i + " has byte value " + byteValue);
                        }
                        v[i] = byteValue;
                    }
                    return NdArray.bool(shape, v);
                }
                case I8 -> {
                    int[] v = new int[count];
                    for (int i = 0; i < count; i++) {
                        long x = data.getLong(8 * i);
                        if (x != (int) x) {
                            throw TensorFileException.of(source, "<i8 element " + i + " = " + x
                                    + " does not fit in int32");
                        }
                        v[i] = (int) x;
                    }
                    return NdArray.i32(shape, v);
                }
                default -> throw new AssertionError(this);
            }
        }

        void encode(NdArray array, ByteBuffer out) {
            switch (this) {
                case F4 -> {
                    for (float f : array.floats()) out.putFloat(f);
                }
                case F2 -> {
                    for (float f : array.floats()) out.putShort(Float16.fromFloat(f));
                }
                case I4 -> {
                    for (int i : array.ints()) out.putInt(i);
                }
                case B1 -> {
                    for (int i : array.ints()) out.put((byte) (i != 0 ? 1 : 0));
                }
                default -> throw new AssertionError(this);
            }
        }
    }
}
