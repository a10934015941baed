package dev.mrt2.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that output files can be written before long work starts, so a typo costs seconds, not a render. */
final class OutputFiles {
    private OutputFiles() {}

    /** Creates missing parent folders and probes each file's folder with a temp file; null entries are skipped. */
    static void requireWritable(Path... files) {
        for (Path file : files) {
            if (file == null) {
                continue;
            }
            Path abs = file.toAbsolutePath();
            try {
                if (Files.isDirectory(abs)) {
                    throw new IOException("is a folder");
                }
                Files.createDirectories(abs.getParent());
                Path probe = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".probe");
                Files.delete(probe);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
            }
        }
    }
}
