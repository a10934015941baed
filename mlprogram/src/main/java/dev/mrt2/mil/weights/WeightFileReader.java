package dev.mrt2.mil.weights;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.TensorType;
import dev.mrt2.io.OsReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a weight.bin: on open, checks the header (version 2) and walks every record (sentinels, ranges, and the
 * header count); each blob's data is then handed out as a read-only memory mapping, never copied to the heap.
 * Errors start with the label given at open (the file's path inside its package).
 */
public final class WeightFileReader implements ConstValue.BlobStorage, AutoCloseable {
    private final Path file;
    private final String label;
    private final FileChannel channel;
    private final long size;
    private final List<BlobRecord> records;
    private volatile boolean closed;

    private WeightFileReader(Path file, String label, FileChannel channel, long size, List<BlobRecord> records) {
        this.file = file;
        this.label = label;
        this.channel = channel;
        this.size = size;
        this.records = List.copyOf(records);
    }

    public static WeightFileReader open(Path file, String label) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new MilException(label + ": cannot open: " + OsReason.of(e), e);
        }
        try {
            long size = ch.size();
            if (size < BlobFormat.HEADER_SIZE) {
                throw new MilException(label + ": " + size + " bytes is shorter than the 64-byte storage header");
            }
            ByteBuffer header = ByteBuffer.allocate(BlobFormat.HEADER_SIZE);
            BlobChecks.readFully(ch, header, 0, label);
            header.order(ByteOrder.LITTLE_ENDIAN);
            int count = header.getInt(0);     // uint32 count
            int version = header.getInt(4);   // uint32 version
            if (version != BlobFormat.VERSION) {
                throw new MilException(label + ": storage version " + version + ", only version 2 is supported");
            }
            List<BlobRecord> records = walk(ch, size, label);
            if (Integer.toUnsignedLong(count) != records.size()) {
                throw new MilException(label + ": header count " + Integer.toUnsignedLong(count) + " but the file holds "
                        + records.size() + " blobs");
            }
            return new WeightFileReader(file, label, ch, size, records);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new MilException(label + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    // Records follow each other at align64(previous data end); the last one ends the file (§4.5).
    private static List<BlobRecord> walk(FileChannel ch, long size, String label) {
        List<BlobRecord> out = new ArrayList<>();
        long m = BlobFormat.HEADER_SIZE;
        while (m < size) {
            BlobRecord r = BlobChecks.readRecord(ch, size, m, label);
            out.add(r);
            m = r.nextMetadataOffset();
        }
        return out;
    }

    public Path file() {
        return file;
    }

    public long size() {
        return size;
    }

    /** Every record in file order. */
    public List<BlobRecord> records() {
        return records;
    }

    /** Checks that a blob of {@code type} sits at {@code offset} (record, dtype code and byte count). */
    public BlobRecord check(long offset, TensorType type) {
        requireOpen();
        BlobRecord r = BlobChecks.readRecord(channel, size, offset, label);
        BlobChecks.checkType(r, type, label);
        return r;
    }

    @Override
    public ByteBuffer read(long offset, TensorType type) {
        BlobRecord r = check(offset, type);
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, r.dataOffset(), r.sizeInBytes()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": " + OsReason.of(e), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    private void requireOpen() {
        if (closed) {
            throw new MilException(label + ": package already closed");
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing useful to add to the error being reported
        }
    }
}
