package dev.mrt2.mil.weights;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.TensorType;
import dev.mrt2.io.OsReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Locale;

/** The checks a blob lookup makes (coreml-mlpackage.md §4.8, §8.4 item 7), shared by the reader and the writer. */
final class BlobChecks {
    private BlobChecks() {}

    /** Reads and checks the record at {@code m}: aligned, inside the file, sentinel intact, data range inside. */
    static BlobRecord readRecord(FileChannel channel, long fileSize, long m, String label) {
        if (m < BlobFormat.HEADER_SIZE || m % BlobFormat.ALIGNMENT != 0) {
            throw new MilException(label + ": blob offset " + m + " is not a multiple of 64 at or after 64");
        }
        if (m + BlobFormat.METADATA_SIZE > fileSize) {
            throw new MilException(label + ": blob offset " + m + " + 64 lies beyond the end of the file (" + fileSize + " bytes)");
        }
        ByteBuffer bytes = ByteBuffer.allocate(BlobFormat.METADATA_SIZE);
        readFully(channel, bytes, m, label);
        BlobRecord r = BlobRecord.decode(m, bytes);
        if (r.sentinel() != BlobFormat.SENTINEL) {
            throw new MilException(label + ": blob at offset " + m + ": invalid sentinel 0x"
                    + String.format(Locale.ROOT, "%08X", r.sentinel()) + " (expected 0xDEADBEEF)");
        }
        if (r.dataOffset() != m + BlobFormat.METADATA_SIZE) {
            throw new MilException(label + ": blob at offset " + m + ": data offset " + r.dataOffset()
                    + " != " + (m + BlobFormat.METADATA_SIZE));
        }
        if (r.sizeInBytes() < 0 || r.dataOffset() + r.sizeInBytes() > fileSize) {
            throw new MilException(label + ": blob at offset " + m + ": data [" + r.dataOffset() + ", "
                    + (r.dataOffset() + r.sizeInBytes()) + ") lies beyond the end of the file (" + fileSize + " bytes)");
        }
        return r;
    }

    /** Checks that the record holds exactly the data of {@code type}: same blob dtype code, same byte count. */
    static void checkType(BlobRecord r, TensorType type, String label) {
        DataType dt = type.dataType();
        if (dt.blobCode == 0) {
            throw new MilException(label + ": blob at offset " + r.metadataOffset() + ": " + type
                    + " cannot be stored in a blob");
        }
        if (r.blobCode() != dt.blobCode) {
            throw new MilException(label + ": blob at offset " + r.metadataOffset() + ": mil_dtype " + r.blobCode()
                    + " does not match declared " + type + " (code " + dt.blobCode + ")");
        }
        long expected = type.elementCount() * dt.byteSize();
        if (r.sizeInBytes() != expected) {
            throw new MilException(label + ": blob at offset " + r.metadataOffset() + ": sizeInBytes " + r.sizeInBytes()
                    + " but declared " + type + " needs " + expected);
        }
        if (r.paddingBits() != 0) {
            throw new MilException(label + ": blob at offset " + r.metadataOffset() + ": padding_size_in_bits "
                    + r.paddingBits() + " for a byte-sized type");
        }
    }

    static void readFully(FileChannel channel, ByteBuffer into, long position, String label) {
        try {
            long pos = position;
            while (into.hasRemaining()) {
                int n = channel.read(into, pos);
                if (n < 0) {
                    throw new MilException(label + ": unexpected end of file at " + pos);
                }
                pos += n;
            }
            into.flip();
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": " + OsReason.of(e), e);
        }
    }
}
