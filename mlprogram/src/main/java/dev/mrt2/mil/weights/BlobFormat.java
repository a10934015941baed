package dev.mrt2.mil.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The MILBlob storage format, version 2 (coreml-mlpackage.md §4). All integers little-endian.
 *
 * <pre>
 * offset 0       storage_header   64 bytes: u32 count, u32 version = 2, 7 x u64 reserved = 0
 * offset 64      blob_metadata #0 64 bytes (M0 = 64)
 * offset 128     data #0          sizeInBytes#0 bytes, then zeros up to the next multiple of 64
 * M1             blob_metadata #1 M1 = align64(M0 + 64 + sizeInBytes#0)
 * M1 + 64        data #1
 * ...            end of file = M_last + 64 + sizeInBytes_last (no trailing padding)
 *
 * blob_metadata at M: u32 sentinel 0xDEADBEEF, u32 mil_dtype (blob code, not the MIL DataType), u64 sizeInBytes,
 *                     u64 offset = M + 64, u64 padding_size_in_bits = 0, 4 x u64 reserved = 0
 * </pre>
 */
public final class BlobFormat {
    public static final int ALIGNMENT = 64;
    public static final int HEADER_SIZE = 64;
    public static final int METADATA_SIZE = 64;
    public static final int VERSION = 2;
    public static final int SENTINEL = 0xDEADBEEF;

    private BlobFormat() {}

    public static long align64(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** A storage header with {@code count} blobs. */
    public static ByteBuffer header(int count) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, count);      // uint32 count
        b.putInt(4, VERSION);    // uint32 version; reserved_0..6 stay zero
        return b;
    }

    /** One blob_metadata record for data of {@code sizeInBytes} bytes whose record sits at {@code m}. */
    public static ByteBuffer metadata(int blobCode, long sizeInBytes, long m) {
        ByteBuffer b = ByteBuffer.allocate(METADATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, SENTINEL);          // uint32 sentinel
        b.putInt(4, blobCode);          // uint32 mil_dtype
        b.putLong(8, sizeInBytes);      // uint64 sizeInBytes (padding not included)
        b.putLong(16, m + METADATA_SIZE); // uint64 offset: data starts right after the record
        return b;                       // padding_size_in_bits and reserved_1..4 stay zero
    }
}
