package dev.mrt2.safetensors;

import static dev.mrt2.safetensors.SafetensorsException.Kind.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.Map;

/**
 * A safetensors file, memory-mapped read-only and validated completely when opened. Tensor data is handed out as
 * little-endian views of the mapping; nothing copies the file onto the heap unless asked ({@link #readFloats}, which
 * reads through the file so the mapping's pages do not stay resident).
 *
 * <pre>
 * [u64 little-endian n] [n bytes UTF-8 JSON header] [data area: every tensor's bytes, back to back]
 * </pre>
 */
public final class SafetensorsFile implements AutoCloseable {
    /** huggingface/safetensors' cap on the header length (100 MB); real headers are tens of kilobytes. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Bytes per read of {@link #readFloats}: small enough to stay out of the JVM's large-object regions. */
    private static final int READ_CHUNK = 1 << 18;
    /** Direct, so the channel reads straight into it (into a heap buffer it copies every byte once more). */
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(READ_CHUNK));

    private final Path path;
    private final ByteBuffer mapping;
    private final long dataStart;
    private final HeaderParser.Header header;
    private final List<TensorInfo> tensors;
    private volatile boolean closed;
    private volatile LongConsumer readListener = bytes -> { };

    private SafetensorsFile(Path path, ByteBuffer mapping, long dataStart, HeaderParser.Header header) {
        this.path = path;
        this.mapping = mapping;
        this.dataStart = dataStart;
        this.header = header;
        this.tensors = List.copyOf(header.tensors().values());
    }

    /** Maps {@code path} read-only and validates the header and the layout; throws {@link SafetensorsException}. */
    public static SafetensorsFile open(Path path) {
        if (Files.isDirectory(path)) {
            throw SafetensorsException.of(IO, path, "is a directory, not a safetensors file");
        }
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw SafetensorsException.of(FILE_TOO_LARGE, path, size
                        + " bytes is over the 2 GiB this reader maps in one piece");
            }
            // The mapping outlives the channel; it stays valid until garbage-collected.
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw SafetensorsException.of(IO, path, "no such file", e);
        } catch (IOException e) {
            throw SafetensorsException.of(IO, path, "cannot read (" + e.getClass().getSimpleName() + "): "
                    + e.getMessage(), e);
        }
        return of(path, map);
    }

    /** Validates {@code bytes} (a whole file's content) as if it were the file {@code path}. */
    static SafetensorsFile of(Path path, ByteBuffer bytes) {
        ByteBuffer map = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        long size = map.capacity();
        if (size < 8) {
            throw SafetensorsException.of(HEADER_TOO_SMALL, path, size
                    + " bytes is shorter than the 8-byte header length");
        }
        long n = map.getLong(0);   // u64 header length, little-endian; a negative long is a u64 above 2^63
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw SafetensorsException.of(HEADER_TOO_LARGE, path, "header length " + Long.toUnsignedString(n)
                    + " is above the cap of " + MAX_HEADER_BYTES + " bytes");
        }
        if (8 + n > size) {
            throw SafetensorsException.of(HEADER_BEYOND_FILE, path, "header length " + n + " runs past the end of the "
                    + size + "-byte file (truncated?)");
        }
        ByteBuffer headerBytes = map.slice(8, (int) n);
        HeaderParser.Header header = HeaderParser.parse(path, headerBytes, size - 8 - n);
        return new SafetensorsFile(path, map, 8 + n, header);
    }

    public Path path() {
        return path;
    }

    /** The header's {@code __metadata__} strings, sorted by key; empty when the file has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Every tensor, sorted by name. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo t = header.tensors().get(name);
        if (t == null) {
            throw SafetensorsException.of(TENSOR_NOT_FOUND, path, name, "not in the file");
        }
        return t;
    }

    /** The tensor's bytes as a read-only little-endian view of the mapping (position 0, limit = byte count). */
    public ByteBuffer data(String name) {
        TensorInfo t = info(name);
        if (closed) {
            throw new IllegalStateException(path + ": closed");
        }
        return mapping.slice((int) (dataStart + t.begin()), (int) (t.end() - t.begin()))
                .asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The tensor converted to float32 (C order), in a new array. */
    public float[] readFloats(String name) {
        // The 2 GiB file cap keeps every element count within an int.
        float[] out = new float[(int) info(name).elementCount()];
        readFloats(name, out, 0);
        return out;
    }

    /** Converts the tensor to float32 into {@code dst[dstOffset ...]}; dst must have room for every element. */
    public void readFloats(String name, float[] dst, int dstOffset) {
        TensorInfo t = info(name);
        long n = t.elementCount();
        if (dstOffset < 0 || n > dst.length - (long) dstOffset) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "': " + n + " elements do not fit in "
                    + dst.length + " floats from offset " + dstOffset);
        }
        if (!(mapping instanceof MappedByteBuffer)) {
            FloatDecoder.decode(t.dtype(), data(name), dst, dstOffset, (int) n);
            readListener.accept(t.byteCount());
            return;
        }
        // Read through the file, not the mapping: a copy on the heap is what the caller wants, and pages read
        // through the mapping would stay resident in this process (and count in its RSS) until the mapping goes.
        if (closed) {
            throw new IllegalStateException(path + ": closed");
        }
        int width = t.dtype().byteSize();
        int chunkElements = Math.max(1, READ_CHUNK / width);
        ByteBuffer chunk = READ_BUFFER.get().order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long at = dataStart + t.begin();
            for (long done = 0; done < n; ) {
                int count = (int) Math.min(chunkElements, n - done);
                chunk.clear().limit(count * width);
                while (chunk.hasRemaining()) {
                    if (ch.read(chunk, at + done * width + chunk.position()) < 0) {
                        throw SafetensorsException.of(IO, path, name, "file ends inside the tensor's data");
                    }
                }
                chunk.flip();
                FloatDecoder.decode(t.dtype(), chunk, dst, dstOffset + (int) done, count);
                done += count;
            }
        } catch (IOException e) {
            throw SafetensorsException.of(IO, path, "cannot read (" + e.getClass().getSimpleName() + "): "
                    + e.getMessage(), e);
        }
        readListener.accept(t.byteCount());
    }

    /**
     * Hears the stored byte count of every tensor {@link #readFloats} converts, on the reading thread: how a long
     * conversion tells how far it has got.
     */
    public void onRead(LongConsumer listener) {
        this.readListener = listener;
    }

    /** Marks the file closed. The channel was closed right after mapping; the garbage collector unmaps. */
    @Override
    public void close() {
        closed = true;
    }
}
