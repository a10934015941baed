package dev.mrt2.mil.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * SHA-256 of many files ({@link Digests#sha256(Path)} each), hashed on all cores from the moment each is asked for,
 * and each only once, whoever asks: a validation's checkpoint and package files (one after another, the 2.3 GB of a
 * full-size run took its first 2.5 s with a core idle), a checksum manifest's folder.
 */
public final class FileDigests implements AutoCloseable {
    private final ExecutorService pool;
    private final Map<Path, Future<String>> requested = new ConcurrentHashMap<>();

    public FileDigests() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public FileDigests(int threads) {
        pool = Executors.newFixedThreadPool(Math.max(1, threads), task -> {
            Thread t = new Thread(task, "mrt2-digests");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts hashing {@code file} unless it is already; returns at once. */
    public void request(Path file) {
        future(file);
    }

    /** Starts hashing every regular file under {@code folder}. */
    public void requestTree(Path folder) {
        files(folder).forEach(this::request);
    }

    /**
     * The file's SHA-256 in hex, once hashed. A file that cannot be read fails as {@link Digests#sha256(Path)} does,
     * naming the path it was first asked for by.
     */
    public String sha256(Path file) {
        try {
            return future(file).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(file + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(file + ": interrupted while hashing", e);
        }
    }

    /** SHA-256 of every regular file under {@code folder}, by its path inside it ('/' separated). */
    public SortedMap<String, String> tree(Path folder) {
        List<Path> files = files(folder);
        files.forEach(this::request);   // all under way before the first wait
        SortedMap<String, String> out = new TreeMap<>();
        for (Path f : files) {
            out.put(folder.relativize(f).toString().replace('\\', '/'), sha256(f));
        }
        return out;
    }

    private Future<String> future(Path file) {
        return requested.computeIfAbsent(file.toAbsolutePath().normalize(),
                key -> pool.submit(() -> Digests.sha256(file)));
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** Stops hashing what nobody waited for (a run that failed early), interrupting any file read under way. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
