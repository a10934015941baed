package dev.mrt2.tensor;

import dev.mrt2.io.AtomicFile;
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
 * NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0, either byte order, C or Fortran order:
 *
 * <pre>
 * "\x93NUMPY" [u8 major] [u8 minor] [u16 LE header length (v1) | u32 LE (v2)] [ASCII header dict, space padded, '\n']
 * [data, C order]                      (magic + version + length + header is a multiple of 64 bytes)
 * </pre>
 *
 * dtypes as {@link NpyDtype} reads them (floats, integers that fit int32, bools). Anything else (complex, strings,
 * objects, structured dtypes, short data) is a {@link TensorFileException} naming the file. Writing always gives
 * v1.0, little-endian, C order, exactly as {@code np.save} would.
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
        // 2.0 widens the header length to 4 bytes; 3.0 also allows a UTF-8 header (field names)
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw TensorFileException.of(source, "NPY format version " + major + "." + minor
                    + " is not supported (1.0, 2.0 and 3.0 are)");
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
        String text = new String(bytes, start, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(source, text);
        NpyDtype dtype = NpyDtype.parse(source, header.descr());
        long count = NdArray.size(header.shape());
        long need = count * dtype.bytes();
        int dataStart = start + (int) headerLength;
        long have = bytes.length - (long) dataStart;
        if (have != need) {
            throw TensorFileException.of(source, (have < need ? "truncated data: " : "trailing bytes after the data: ")
                    + header.descr() + " " + Arrays.toString(header.shape()) + " needs " + need + " bytes, the file has "
                    + have);
        }
        ByteBuffer data = b.position(dataStart).slice();
        if (!header.fortranOrder()) {
            return dtype.decode(source, header.shape(), data, (int) count);
        }
        // Fortran order (np.save of a transposed array): the bytes are the C-order array of the reversed shape
        int[] reversed = header.shape().clone();
        for (int i = 0; i < reversed.length / 2; i++) {
            int t = reversed[i];
            reversed[i] = reversed[reversed.length - 1 - i];
            reversed[reversed.length - 1 - i] = t;
        }
        return ReversedAxes.of(dtype.decode(source, reversed, data, (int) count));
    }

    /** Writes {@code array} as .npy v1.0 atomically (temp sibling, then rename). */
    public static void write(Path file, NdArray array) {
        AtomicFile.write(file, format(array));
    }

    /** The exact bytes {@code np.save} writes for this array (v1.0, header padded to 64 bytes). */
    public static byte[] format(NdArray array) {
        NpyDtype dtype = NpyDtype.of(array.kind());
        String dict = new NpyHeader(dtype.descr(), false, array.shape()).format();
        // header text = dict, spaces, '\n'; 10 bytes of preamble; total a multiple of 64
        int unpadded = 10 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        int headerLength = dict.length() + padding + 1;
        if (headerLength > 0xffff) {
            throw new IllegalArgumentException("NPY v1.0 header of " + headerLength + " bytes is too long");
        }
        long dataBytes = (long) array.size() * dtype.bytes();
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
}
