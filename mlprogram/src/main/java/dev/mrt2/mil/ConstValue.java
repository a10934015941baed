package dev.mrt2.mil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The payload of a {@code const} op or an inline argument: either immediate bytes in the protobuf, or a
 * reference into weight.bin. Element data is always exposed as little-endian bytes in row-major order of
 * {@link #type()} (fp16 as raw binary16 bits, bool as one byte per element); strings separately.
 */
public sealed interface ConstValue permits ConstValue.Immediate, ConstValue.Blob {

    TensorType type();

    /** Little-endian element bytes (read-only view). Not available for STRING tensors. */
    ByteBuffer data();

    /** An immediate value stored inside model.mlmodel. */
    record Immediate(TensorType type, byte[] bytes, List<String> strings) implements ConstValue {
        public Immediate {
            strings = strings == null ? null : List.copyOf(strings);
        }

        @Override
        public ByteBuffer data() {
            if (type.dataType() == DataType.STRING) {
                throw new IllegalStateException("string constant has no element bytes");
            }
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * A blob-backed constant: {@code offset} is the blob_metadata record offset M (BlobFileValue.offset, field 2),
     * the data starts at M + 64. {@code storage} resolves the bytes lazily (a memory-mapped weight.bin when read,
     * the file being written when built).
     */
    record Blob(TensorType type, String fileName, long offset, BlobStorage storage) implements ConstValue {
        @Override
        public ByteBuffer data() {
            return storage.read(offset, type);
        }
    }

    /** Where blob bytes come from. */
    interface BlobStorage {
        /** The data bytes of the blob whose metadata record is at {@code offset}, checked against {@code type}. */
        ByteBuffer read(long offset, TensorType type);
    }
}
