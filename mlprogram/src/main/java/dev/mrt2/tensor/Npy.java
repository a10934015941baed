package dev.mrt2.tensor;

import dev.mrt2.io.AtomicFile;
import dev.mrt2.io.OsReason;
import dev.mrt2.tensor.NdArray;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    /** NumPy pads magic + version + length + header to this alignment. */
    private static final int ALIGN = 64;

    /**
     * An array as read, with the file's own dtype: values land in our kinds (float64 as F32, int64 as I32), so the
     * NumPy name, e.g. {@code float64}, is what an error about the file should say.
     */
    public record Contents(String dtype, NdArray array) {
        /** E.g. {@code float64 [51, 12]}. */
        public String describe() {
            return dtype + " " + Arrays.toString(array.shape());
        }
    }

    /** Whether {@code file} starts with the NPY magic; false when it cannot be read (a read then says why). */
    public static boolean hasMagic(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(NpyLayout.MAGIC.length), NpyLayout.MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    public static NdArray read(Path file) {
        return readContents(file).array();
    }

    /**
     * Reads {@code file}; errors name it as given. The preamble and header come first, and a regular file's size must
     * be what they imply before any data is read, so a wrong or huge file is refused from its first bytes.
     */
    public static Contents readContents(Path file) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw TensorFileException.of(source, "is a directory, not an .npy file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.isRegularFile(file) ? Files.size(file) : -1;
            NpyLayout layout = NpyLayout.read(source, in, size);
            // a pipe's length is known only now; a file may have changed since its size was taken
            byte[] data = readData(source, "the file", in, layout);
            return new Contents(layout.dtype().numpyName(), decode(source, layout, ByteBuffer.wrap(data)));
        } catch (NoSuchFileException e) {
            throw TensorFileException.of(source, "no such file", e);
        } catch (IOException e) {
            throw TensorFileException.of(source, "cannot read: " + OsReason.of(e), e);
        }
    }

    /** Parses a whole .npy file's bytes; {@code source} names it in errors. */
    public static NdArray parse(String source, byte[] bytes) {
        NpyLayout layout;
        try {
            layout = NpyLayout.read(source, new ByteArrayInputStream(bytes), bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory read failed", e);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) layout.dataStart(), (int) layout.dataBytes()).slice();
        return decode(source, layout, data);
    }

    /**
     * Reads exactly the data bytes {@code layout} implies from {@code in} (standing at the first data byte), then one
     * byte more to prove nothing follows: memory is bounded by what the header declares, however long the stream.
     * {@code holder} ("the file", "the member") names what holds the data in an error.
     */
    static byte[] readData(String source, String holder, InputStream in, NpyLayout layout) throws IOException {
        byte[] data = new byte[(int) layout.dataBytes()];
        int got = in.readNBytes(data, 0, data.length);
        layout.checkDataLength(source, holder, got, got == data.length && in.read() >= 0);
        return data;
    }

    /** The array from its data bytes (exactly the layout's, first at index 0). */
    static NdArray decode(String source, NpyLayout layout, ByteBuffer data) {
        int[] shape = layout.header().shape();
        int count = (int) layout.count();
        if (!layout.header().fortranOrder()) {
            return layout.dtype().decode(source, shape, data, count);
        }
        // Fortran order (np.save of a transposed array): the bytes are the C-order array of the reversed shape
        int[] reversed = shape.clone();
        for (int i = 0; i < reversed.length / 2; i++) {
            int t = reversed[i];
            reversed[i] = reversed[reversed.length - 1 - i];
            reversed[reversed.length - 1 - i] = t;
        }
        return ReversedAxes.of(layout.dtype().decode(source, reversed, data, count));
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
        out.put(NpyLayout.MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < padding; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        dtype.encode(array, out);
        return out.array();
    }
}
