package dev.mrt2.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What an NPY file's preamble and header say, read before any data: the header dict, its dtype, where the data starts
 * and how many bytes it must have. Reading this first lets a wrong or huge file be refused from its first bytes and its
 * size, without loading it.
 *
 * @param header    the header dict
 * @param dtype     the header's dtype
 * @param count     elements the shape holds
 * @param dataStart offset of the first data byte
 */
record NpyLayout(NpyHeader header, NpyDtype dtype, long count, long dataStart) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy itself refuses headers over 10000 bytes unless told otherwise; a longer one is not a header. */
    private static final int MAX_HEADER = 1 << 20;
    /** The most bytes one Java array holds, and so the most data we can read. */
    private static final long MAX_DATA = Integer.MAX_VALUE - 8;

    long dataBytes() {
        return count * dtype.bytes();
    }

    /**
     * Reads the preamble and header from {@code in}, which then stands at the first data byte. {@code size} is the
     * whole file's length, or -1 when it is not known (a pipe); when known, the data must fill the rest exactly.
     */
    static NpyLayout read(String source, InputStream in, long size) throws IOException {
        byte[] preamble = in.readNBytes(8);
        if (preamble.length == 0) {
            throw TensorFileException.of(source, "empty file, not an NPY file");
        }
        if (preamble.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(preamble, MAGIC.length), MAGIC)) {
            throw TensorFileException.of(source, "not an NPY file (missing the \\x93NUMPY magic)");
        }
        if (preamble.length < 8) {
            throw TensorFileException.of(source, "truncated NPY header (" + preamble.length + " bytes)");
        }
        int major = preamble[6] & 0xff;
        int minor = preamble[7] & 0xff;
        // 2.0 widens the header length to 4 bytes; 3.0 also allows a UTF-8 header (field names)
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw TensorFileException.of(source, "NPY format version " + major + "." + minor
                    + " is not supported (1.0, 2.0 and 3.0 are)");
        };
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw TensorFileException.of(source, "truncated NPY header (" + (8 + lengthField.length) + " bytes)");
        }
        ByteBuffer le = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? le.getShort() & 0xffff : le.getInt() & 0xffffffffL;
        long start = 8 + lengthBytes;
        if (size >= 0 && start + headerLength > size) {
            throw pastTheEnd(source, headerLength, size);
        }
        if (headerLength > MAX_HEADER) {
            throw TensorFileException.of(source, "NPY header length " + headerLength + " is beyond " + MAX_HEADER
                    + " bytes: not a real NPY header");
        }
        byte[] text = in.readNBytes((int) headerLength);
        if (text.length < headerLength) {
            throw pastTheEnd(source, headerLength, start + text.length);
        }
        NpyHeader header = NpyHeader.parse(source, new String(text,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
        NpyDtype dtype = NpyDtype.parse(source, header.descr());
        NpyLayout layout = new NpyLayout(header, dtype, elements(source, header), start + headerLength);
        if (size >= 0) {
            layout.checkDataLength(source, size - layout.dataStart(), false);
        }
        if (layout.dataBytes() > MAX_DATA) {
            throw TensorFileException.of(source, layout.describe() + " holds " + layout.dataBytes()
                    + " bytes of data, beyond the " + MAX_DATA + " one array can hold");
        }
        return layout;
    }

    /**
     * The data must be exactly what the shape needs: {@code have} bytes follow the header, and {@code more} says that
     * still more followed (a pipe read no further).
     */
    void checkDataLength(String source, long have, boolean more) {
        checkDataLength(source, "the file", have, more);
    }

    /** The same for data held by {@code holder} ("the file", "the member"), which the message names. */
    void checkDataLength(String source, String holder, long have, boolean more) {
        if (have != dataBytes() || more) {
            throw TensorFileException.of(source, (have < dataBytes() ? "truncated data: "
                    : "trailing bytes after the data: ") + describe() + " needs " + dataBytes()
                    + " bytes, " + holder + " has " + (more ? "more" : have));
        }
    }

    /** The header's own words, e.g. {@code <f4 [2, 3]}. */
    String describe() {
        return header.descr() + " " + Arrays.toString(header.shape());
    }

    private static long elements(String source, NpyHeader header) {
        try {
            // times 8 too: the data bytes of the widest dtype must also fit in a long
            return Math.multiplyExact(NdArray.size(header.shape()), 8) / 8;
        } catch (ArithmeticException e) {
            throw TensorFileException.of(source, "NPY shape " + Arrays.toString(header.shape())
                    + " has more elements than any file could hold");
        }
    }

    private static TensorFileException pastTheEnd(String source, long headerLength, long fileLength) {
        return TensorFileException.of(source, "NPY header length " + headerLength + " runs past the end of the "
                + fileLength + "-byte file (truncated?)");
    }
}
