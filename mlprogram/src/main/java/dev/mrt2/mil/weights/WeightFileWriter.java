package dev.mrt2.mil.weights;

import dev.mrt2.io.OsReason;
import dev.mrt2.io.OutputException;
import dev.mrt2.mil.EncodingChunkWriter;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.WeightChunkWriter;
import dev.mrt2.mil.WeightSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Writes weight.bin (MILBlob v2, {@link BlobFormat}) as constants arrive: each blob's bytes go to disk when it is
 * appended, so the heap never holds the weights. Like coremltools' writer it predicts each record's offset,
 * writes, checks the file ended where predicted, and rewrites the header's {@code count} after every blob.
 * A file with no blobs is the 64-byte header alone.
 */
public final class WeightFileWriter implements WeightSink, AutoCloseable {
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(BlobFormat.ALIGNMENT);

    private Path file;
    private final FileChannel channel;
    private long end;
    private int count;
    private boolean closed;

    private WeightFileWriter(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Creates {@code file} (which must not exist) holding the header with count 0. */
    public static WeightFileWriter create(Path file) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            WeightFileWriter w = new WeightFileWriter(file, ch);
            w.writeAt(BlobFormat.header(0), 0);
            w.end = BlobFormat.HEADER_SIZE;
            return w;
        } catch (IOException e) {
            throw OutputException.cannotWrite(file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Number of blobs written. */
    public int count() {
        return count;
    }

    /** Current file length in bytes. */
    public long size() {
        return end;
    }

    @Override
    public long append(TensorType type, ByteBuffer data) {
        long expected = checkedSize(type);
        if (data.remaining() != expected) {
            throw new MilException(file + ": blob " + type + " needs " + expected + " bytes, got " + data.remaining());
        }
        return append(type, w -> w.write(data.duplicate()));
    }

    @Override
    public long append(TensorType type, Consumer<WeightChunkWriter> producer) {
        requireOpen();
        long size = checkedSize(type);
        long start = end;
        long m = BlobFormat.align64(end);
        long predictedEnd = m + BlobFormat.METADATA_SIZE + size;
        try {
            writeAt(ZEROS.duplicate().limit((int) (m - end)), end);
            writeAt(BlobFormat.metadata(type.dataType().blobCode, size, m), m);
            EncodingChunkWriter sink = new EncodingChunkWriter(type) {
                @Override
                protected void deliver(ByteBuffer bytes) {
                    writeAt(bytes, m + BlobFormat.METADATA_SIZE + writtenBytes());
                }
            };
            producer.accept(sink);
            sink.checkComplete();
            long actualEnd = channel.size();
            if (actualEnd != predictedEnd) {
                throw new MilException(file + ": blob at " + m + " ended at " + actualEnd + ", predicted " + predictedEnd);
            }
            end = actualEnd;
            count++;
            writeAt(BlobFormat.header(count), 0);
            return m;
        } catch (RuntimeException | IOException e) {
            rollBackTo(start);
            if (e instanceof IOException io) {
                throw OutputException.cannotWrite(file, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * The data of the blob whose record is at {@code offset}, checked against {@code type}; a read-only mapping.
     * Works while writing and, after {@link #movedTo}, from the published file, so a model just built can be read.
     */
    @Override
    public ByteBuffer read(long offset, TensorType type) {
        if (!closed) {
            return map(channel, offset, type);
        }
        try (FileChannel published = FileChannel.open(file, StandardOpenOption.READ)) {
            return map(published, offset, type);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the written weight file: " + OsReason.of(e), e);
        }
    }

    private ByteBuffer map(FileChannel ch, long offset, TensorType type) {
        String label = file.toString();
        BlobRecord r = BlobChecks.readRecord(ch, end, offset, label);
        BlobChecks.checkType(r, type, label);
        try {
            return ch.map(FileChannel.MapMode.READ_ONLY, r.dataOffset(), r.sizeInBytes())
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + OsReason.of(e), e);
        }
    }

    /** Records where the closed file now lives (its package was renamed into place), for later reads. */
    public void movedTo(Path newFile) {
        if (!closed) {
            throw new MilException(file + ": close the weight file before moving it");
        }
        file = newFile;
    }

    /** Closes the file; the header already holds the final count. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + OsReason.of(e), e);
        }
    }

    private long checkedSize(TensorType type) {
        if (type.dataType().blobCode == 0) {
            throw new MilException(file + ": " + type + " cannot be stored in a blob");
        }
        return Math.multiplyExact(type.elementCount(), (long) type.dataType().byteSize());
    }

    private void requireOpen() {
        if (closed) {
            throw new MilException(file + ": weight file already closed");
        }
    }

    // A failed blob must not leave a half record behind: the file returns to its last complete state.
    private void rollBackTo(long length) {
        try {
            channel.truncate(length);
            end = length;
        } catch (IOException ignored) {
            // the package is being abandoned anyway; the original error is the one to report
        }
    }

    private void writeAt(ByteBuffer bytes, long position) {
        try {
            long pos = position;
            while (bytes.hasRemaining()) {
                pos += channel.write(bytes, pos);
            }
        } catch (IOException e) {
            throw OutputException.cannotWrite(file, e);
        }
    }
}
