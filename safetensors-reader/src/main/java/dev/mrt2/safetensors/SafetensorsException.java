package dev.mrt2.safetensors;

import java.nio.file.Path;

/**
 * Everything that can be wrong with a safetensors file, as one exception with a {@link Kind}. The message always
 * starts with the file, then the tensor when one is to blame:
 * {@code mrt2_small.safetensors: tensor 'x': data_offsets [0, 4) but F32 [2, 2] needs 16 bytes}.
 */
public final class SafetensorsException extends RuntimeException {

    public enum Kind {
        /** The file could not be opened or read. */
        IO,
        /** Fewer than the 8 bytes of the header-length prefix. */
        HEADER_TOO_SMALL,
        /** The header length is above the 100,000,000-byte cap (or does not fit a signed 64-bit value). */
        HEADER_TOO_LARGE,
        /** 8 + header length runs past the end of the file. */
        HEADER_BEYOND_FILE,
        /** The header bytes are not valid UTF-8. */
        INVALID_UTF8,
        /** The header is not a JSON object of the documented form. */
        INVALID_JSON,
        /** A name occurs twice in the header (a tensor, or a field of one entry). */
        DUPLICATE_KEY,
        /** A dtype string outside {@link DType}. */
        UNSUPPORTED_DTYPE,
        /** A shape dimension that is negative or not an integer. */
        INVALID_SHAPE,
        /** Element or byte count does not fit 64 bits. */
        SHAPE_OVERFLOW,
        /** data_offsets malformed, reversed, or outside the data area. */
        INVALID_OFFSETS,
        /** end - begin differs from shape x dtype size. */
        SIZE_MISMATCH,
        /** Two tensors share bytes. */
        OVERLAP,
        /** Bytes between two tensors (or before the first) that no tensor owns. */
        GAP,
        /** Bytes after the last tensor. */
        TRAILING_BYTES,
        /** A file this reader cannot map in one piece (over 2 GiB). */
        FILE_TOO_LARGE,
        /** A lookup by a name the file does not hold. */
        TENSOR_NOT_FOUND
    }

    private final Kind kind;
    private final transient Path file;
    private final String tensor;

    private SafetensorsException(Kind kind, Path file, String tensor, String problem, Throwable cause) {
        super(prefix(file, tensor) + problem, cause);
        this.kind = kind;
        this.file = file;
        this.tensor = tensor;
    }

    private static String prefix(Path file, String tensor) {
        return file + ": " + (tensor == null ? "" : "tensor '" + tensor + "': ");
    }

    static SafetensorsException of(Kind kind, Path file, String problem) {
        return new SafetensorsException(kind, file, null, problem, null);
    }

    static SafetensorsException of(Kind kind, Path file, String tensor, String problem) {
        return new SafetensorsException(kind, file, tensor, problem, null);
    }

    static SafetensorsException of(Kind kind, Path file, String problem, Throwable cause) {
        return new SafetensorsException(kind, file, null, problem, cause);
    }

    public Kind kind() {
        return kind;
    }

    public Path file() {
        return file;
    }

    /** The tensor to blame, or null when the problem is the file as a whole. */
    public String tensor() {
        return tensor;
    }
}
