package dev.mrt2.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks, before any long computation, that an output can be written: so a user learns that {@code --out} is a
 * folder, or sits in a read-only place, in a second instead of after the whole job. Nothing is left behind: a check
 * creates and deletes one hidden probe file in the nearest existing folder, which is how the operating system's own
 * reason (permission denied, read-only file system, no space) is learnt; asking for permission bits would be wrong for
 * root and for access-control lists.
 */
public final class Outputs {
    private static final AtomicLong PROBES = new AtomicLong();

    private Outputs() {}

    /** Fails with an {@link OutputException} unless a regular file can be created at (or atomically replace) {@code file}. */
    public static void requireWritableFile(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw OutputException.of(file, "is a directory");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
            // a device or a link: replacing it by a rename would not write "into" it, so refuse rather than surprise
            throw OutputException.of(file, "is not a regular file");
        }
        Path parent = abs.getParent();
        if (parent == null) {
            throw OutputException.of(file, "is not a file path");
        }
        probe(file, existingFolder(file, parent));
    }

    /** Fails with an {@link OutputException} unless {@code dir} is, or can be created as, a folder we can write in. */
    public static void requireWritableDirectory(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw OutputException.of(dir, "exists and is not a directory");
        }
        probe(dir, existingFolder(dir, abs));
    }

    /** The nearest existing folder at or above {@code start}; an ancestor that is a file fails naming it. */
    private static Path existingFolder(Path output, Path start) {
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                return p;
            }
            if (Files.exists(p)) {
                throw OutputException.of(output, "cannot write: " + p + " is not a directory");
            }
        }
        throw OutputException.of(output, "cannot write: no existing folder above it");
    }

    private static void probe(Path output, Path folder) {
        Path probe = folder.resolve(".mrt2-probe-" + ProcessHandle.current().pid() + "-" + PROBES.incrementAndGet());
        try {
            Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        } catch (IOException e) {
            throw OutputException.cannotWrite(output, e);
        }
        try {
            Files.deleteIfExists(probe);
        } catch (IOException e) {
            throw OutputException.cannotWrite(output, e);
        }
    }
}
