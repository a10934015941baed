package dev.mrt2.safetensors;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Writes a safetensors file deterministically: the same tensors and metadata give the same bytes, whatever the
 * order of {@link #add} calls or the number of threads.
 * <ul>
 *   <li>header: compact JSON, {@code __metadata__} first, then tensors by name, padded with spaces to a multiple
 *       of 8 so the data area starts 8-aligned;</li>
 *   <li>data: tensors sorted by element size (largest first), then by name, back to back, so each tensor starts
 *       at a multiple of its element size without any gap (the format forbids gaps);</li>
 *   <li>each tensor's bytes come from a {@link Fill} callback writing straight into a mapped region of the
 *       output, so a gigabyte-sized file never sits on the heap; fills may run in parallel because every
 *       tensor owns its region;</li>
 *   <li>the file is written to a temp sibling and renamed over {@code out} only when complete.</li>
 * </ul>
 */
public final class SafetensorsWriter {

    /** Fills one tensor: writes exactly the tensor's byte count into {@code dst} (little-endian, position 0). */
    @FunctionalInterface
    public interface Fill {
        void write(ByteBuffer dst);
    }

    private record Entry(String name, DType dtype, List<Long> shape, long byteCount, Fill fill) {}

    private static final AtomicLong TEMP_COUNTER = new AtomicLong();

    private final SortedMap<String, String> metadata = new TreeMap<>();
    private final SortedMap<String, Entry> entries = new TreeMap<>();
    private int threads = 1;
    private LongConsumer filled = bytes -> {};

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Hears the byte count of each tensor once it is filled (from the filling thread): a progress hook. */
    public SafetensorsWriter onFilled(LongConsumer filled) {
        this.filled = filled;
        return this;
    }

    /** Fills may run on up to {@code threads} threads; the output bytes do not depend on it. */
    public SafetensorsWriter threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        return this;
    }

    public SafetensorsWriter add(String name, DType dtype, List<Long> shape, Fill fill) {
        if (name.equals(HeaderParser.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + name + "' is reserved for metadata");
        }
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        long bytes = new TensorInfo(name, dtype, shape, 0, 0).byteCount();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in " + shape);
            }
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + name + "': " + bytes + " bytes is over 2 GiB");
        }
        entries.put(name, new Entry(name, dtype, List.copyOf(shape), bytes, fill));
        return this;
    }

    /** Adds a float32 tensor from an array (tests and small tables). */
    public SafetensorsWriter addFloats(String name, List<Long> shape, float[] values) {
        float[] copy = values.clone();
        add(name, DType.F32, shape, dst -> dst.asFloatBuffer().put(copy));
        long expected = entries.get(name).byteCount() / 4;
        if (expected != copy.length) {
            entries.remove(name);
            throw new IllegalArgumentException("tensor '" + name + "': shape " + shape + " holds " + expected
                    + " floats, got " + copy.length);
        }
        return this;
    }

    /** Writes the file; returns its size in bytes. On any failure {@code out} is left as it was. */
    public long write(Path out) {
        List<Entry> order = new ArrayList<>(entries.values());
        order.sort(Comparator.comparingInt((Entry e) -> -e.dtype().byteSize()).thenComparing(Entry::name));
        Map<String, long[]> offsets = new TreeMap<>();
        long pos = 0;
        for (Entry e : order) {
            offsets.put(e.name(), new long[] {pos, pos + e.byteCount()});
            pos = Math.addExact(pos, e.byteCount());
        }
        byte[] header = header(offsets);
        long dataStart = 8L + header.length;
        long total = dataStart + pos;

        Path dir = out.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // Not Files.createTempFile: that makes the file owner-only, and the rename would keep those permissions.
            tmp = dir.resolve("." + out.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                    + TEMP_COUNTER.incrementAndGet());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(header.length).put(header).flip();
                while (prefix.hasRemaining()) {
                    ch.write(prefix);
                }
                ch.truncate(total);
                fillAll(ch, order, offsets, dataStart);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write: " + reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    /** The OS reason ("no space left on device", "permission denied"), not Java's "path: Reason" text. */
    private static String reason(IOException e) {
        String r = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : String.valueOf(e.getMessage());
        return r.isEmpty() ? r : r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
    }

    private void fillAll(FileChannel ch, List<Entry> order, Map<String, long[]> offsets, long dataStart)
            throws IOException {
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (Entry e : order) {
                if (e.byteCount() == 0) {
                    continue;
                }
                MappedByteBuffer region = ch.map(FileChannel.MapMode.READ_WRITE, dataStart + offsets.get(e.name())[0],
                        e.byteCount());
                Runnable job = () -> fillOne(e, region);
                if (pool == null) {
                    job.run();
                } else {
                    pending.add(pool.submit(job));
                }
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private void fillOne(Entry e, MappedByteBuffer region) {
        region.order(ByteOrder.LITTLE_ENDIAN);
        e.fill().write(region);
        filled.accept(e.byteCount());
        // A fill that bypassed the position (absolute puts, views) is trusted; a partial relative write is a bug.
        if (region.position() != 0 && region.position() != region.limit()) {
            throw new IllegalStateException("tensor '" + e.name() + "': fill wrote " + region.position() + " of "
                    + region.limit() + " bytes");
        }
    }

    // {"__metadata__":{...},"name":{"dtype":"F32","shape":[..],"data_offsets":[b,e]},...} + spaces to a multiple of 8
    private byte[] header(Map<String, long[]> offsets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(HeaderParser.METADATA_KEY);
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            for (Entry e : entries.values()) {
                g.writeObjectFieldStart(e.name());
                g.writeStringField("dtype", e.dtype().name());
                g.writeArrayFieldStart("shape");
                for (long d : e.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                long[] o = offsets.get(e.name());
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(o[0]);
                g.writeNumber(o[1]);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int pad = (8 - bytes.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            bytes.write(' ');
        }
        return bytes.toByteArray();
    }
}
