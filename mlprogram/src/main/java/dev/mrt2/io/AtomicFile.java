package dev.mrt2.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file through a temp sibling renamed over the target only when complete, so a reader (or a crash) never
 * sees a half-written output and a failed write leaves the previous file untouched. Temp siblings left by a killed
 * process ({@code .<name>.tmp-<pid>-<n>} with a pid no longer running) are removed by the next write of that file.
 */
public final class AtomicFile {
    /** Writes the whole content to the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final AtomicLong TEMP_COUNTER = new AtomicLong();

    private AtomicFile() {}

    public static void write(Path target, Content content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            removeStaleTemps(dir, target.getFileName().toString());
            // Not Files.createTempFile: that makes the file owner-only, and the rename would keep those permissions.
            tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                    + TEMP_COUNTER.incrementAndGet());
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw OutputException.cannotWrite(target, e);
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

    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /** Deletes {@code .<name>.tmp-<pid>-<n>} siblings whose process has ended (a kill skips the finally above). */
    static void removeStaleTemps(Path dir, String name) {
        String prefix = "." + name + ".tmp-";
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path t : temps) {
                String rest = t.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                if (dash > 0 && rest.substring(0, dash).chars().allMatch(Character::isDigit)
                        && rest.substring(dash + 1).chars().allMatch(Character::isDigit)
                        && ProcessHandle.of(Long.parseLong(rest.substring(0, dash))).isEmpty()) {
                    Files.deleteIfExists(t);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // best effort: a leftover temp file is litter, not a reason to fail this write
        }
    }
}
