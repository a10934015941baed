package dev.mrt2.convert;

import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * What every conversion piece gets: the open checkpoint, its dimensions, the output directory, the decoder's frame
 * count and a progress log (stderr in the CLI). The checkpoint's sha256 is computed once and shared, because hashing
 * 1.13 GB costs seconds; {@link #startHashing()} runs it on a second thread while the pieces convert.
 * Pieces record the digests of files they just wrote, so the output index and manifest need not read them again.
 */
public final class ConvertContext {
    private final SafetensorsFile checkpoint;
    private final Mrt2Dims dims;
    private final Path outDir;
    private final Consumer<String> log;
    private final int decoderFrames;
    private final FutureTask<String> checkpointSha256;
    private final SortedMap<String, String> writtenDigests = new TreeMap<>();
    private boolean hashing;
    private volatile DecoderActivationProfiler decoderProfiler;
    private final SharedConstants sharedConstants = new SharedConstants();

    public ConvertContext(SafetensorsFile checkpoint, Mrt2Dims dims, Path outDir, Consumer<String> log) {
        this(checkpoint, dims, outDir, DecoderConverter.DEFAULT_FRAMES, log);
    }

    /** {@code decoderFrames}: token frames T of the decoder package ({@code --decoder-frames}, default 25). */
    public ConvertContext(SafetensorsFile checkpoint, Mrt2Dims dims, Path outDir, int decoderFrames,
                          Consumer<String> log) {
        this.checkpoint = checkpoint;
        this.dims = dims;
        this.outDir = outDir;
        this.decoderFrames = decoderFrames;
        this.log = log;
        this.checkpointSha256 = new FutureTask<>(() -> Digests.sha256(checkpoint.path()));
    }

    public SafetensorsFile checkpoint() {
        return checkpoint;
    }

    public Mrt2Dims dims() {
        return dims;
    }

    public Path outDir() {
        return outDir;
    }

    public int decoderFrames() {
        return decoderFrames;
    }

    /** Constants the packages of this run copy from each other instead of computing twice. */
    SharedConstants sharedConstants() {
        return sharedConstants;
    }

    /** Sets what measures the FP16 decoder's activations (see {@link DecoderActivationProfiler}); returns this. */
    public ConvertContext withDecoderProfiler(DecoderActivationProfiler profiler) {
        this.decoderProfiler = profiler;
        return this;
    }

    /** The profiler for {@code decoder-f16}, or null when none was given. */
    public DecoderActivationProfiler decoderProfiler() {
        return decoderProfiler;
    }

    /** Progress for humans; the CLI prints it to stderr (or drops it under --quiet). */
    public void log(String message) {
        log.accept(message);
    }

    /** Starts hashing the checkpoint on a background thread (once), to overlap with the conversion. */
    public synchronized void startHashing() {
        if (!hashing) {
            hashing = true;
            Thread t = new Thread(checkpointSha256, "checkpoint-sha256");
            t.setDaemon(true);   // a failed conversion must not wait for the hash to finish
            t.start();
        }
    }

    /** The checkpoint's sha256 (lower-case hex); waits for the background hash, or computes it here. */
    public String checkpointSha256() {
        synchronized (this) {
            if (!hashing) {
                hashing = true;
                checkpointSha256.run();
            }
        }
        try {
            return checkpointSha256.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing " + checkpoint.path(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(checkpoint.path() + ": cannot hash: " + e.getCause(), e.getCause());
        }
    }

    /** Notes the sha256 of a file this run wrote, by its path relative to the output directory ({@code /}). */
    public synchronized void recordDigest(String relativePath, String sha256) {
        writtenDigests.put(relativePath, sha256);
    }

    /** The digests recorded so far, sorted by path. */
    public synchronized SortedMap<String, String> writtenDigests() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(writtenDigests));
    }
}
