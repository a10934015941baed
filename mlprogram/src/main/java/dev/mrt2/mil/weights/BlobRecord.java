package dev.mrt2.mil.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One decoded blob_metadata record: where it sits (M) and what it says. Reserved fields are ignored (§4.3). */
public record BlobRecord(long metadataOffset, int sentinel, int blobCode, long sizeInBytes, long dataOffset,
                         long paddingBits) {

    /** Decodes the 64 bytes of {@code record}, read from offset {@code m}. */
    public static BlobRecord decode(long m, ByteBuffer record) {
        ByteBuffer b = record.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new BlobRecord(m,
                b.getInt(0),     // uint32 sentinel
                b.getInt(4),     // uint32 mil_dtype
                b.getLong(8),    // uint64 sizeInBytes
                b.getLong(16),   // uint64 offset
                b.getLong(24));  // uint64 padding_size_in_bits
    }

    /** Where the next record would start when walking the file. */
    public long nextMetadataOffset() {
        return BlobFormat.align64(dataOffset + sizeInBytes);
    }
}
