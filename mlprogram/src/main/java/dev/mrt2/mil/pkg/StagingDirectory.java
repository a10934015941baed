package dev.mrt2.mil.pkg;

import dev.mrt2.io.FileTrees;
import dev.mrt2.io.OsReason;
import dev.mrt2.io.OutputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A hidden sibling directory {@code .<name>.tmp-<n>} where a package is assembled. Only {@link #publish} puts it
 * at the target, by renaming, so a crash or kill leaves no package (complete or half-written) at the target;
 * {@link #close} without publishing deletes it.
 */
final class StagingDirectory implements AutoCloseable {
    private final Path path;
    private boolean published;

    private StagingDirectory(Path path) {
        this.path = path;
    }

    static StagingDirectory besides(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null) {
            throw OutputException.of(target, "not a usable package path");
        }
        try {
            Files.createDirectories(parent);
            for (int n = 0; ; n++) {
                Path candidate = parent.resolve("." + abs.getFileName() + ".tmp-" + n);
                try {
                    return new StagingDirectory(Files.createDirectory(candidate));
                } catch (FileAlreadyExistsException taken) {
                    // another writer (or a killed one) holds this name; try the next
                }
            }
        } catch (IOException e) {
            throw OutputException.cannotWrite(target, e);
        }
    }

    Path path() {
        return path;
    }

    /**
     * Renames the staging directory onto {@code target}. An existing package there is replaced only now: it is
     * first renamed aside, then deleted once the new one is in place. Anything at the target that is not a
     * package (or an empty directory) is left alone and reported.
     */
    void publish(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        try {
            Path old = null;
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                if (!isReplaceable(abs)) {
                    // an output problem (exit 1), not a graph we failed to build
                    throw OutputException.of(target, "exists and is not a .mlpackage; refusing to replace it");
                }
                old = abs.resolveSibling(path.getFileName() + ".old");   // unique: our staging name is
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(path, abs, StandardCopyOption.ATOMIC_MOVE);
            published = true;
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new OutputException(target + ": cannot move the package into place: " + OsReason.of(e), e);
        }
    }

    private static boolean isReplaceable(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isRegularFile(dir.resolve(PackageLayout.MANIFEST))) {
            return true;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    @Override
    public void close() {
        if (!published) {
            try {
                deleteTree(path);
            } catch (IOException e) {
                throw new OutputException(path + ": cannot delete the staging directory: " + OsReason.of(e), e);
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        FileTrees.delete(root);
    }
}
