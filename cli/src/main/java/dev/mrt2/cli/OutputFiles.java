package dev.mrt2.cli;

import dev.mrt2.io.Outputs;
import java.nio.file.Path;

/** Checks that output files can be written before long work starts, so a typo costs seconds, not a render. */
final class OutputFiles {
    private OutputFiles() {}

    /** {@link Outputs#requireWritableFile} for each file given; null entries (options left out) are skipped. */
    static void requireWritable(Path... files) {
        for (Path file : files) {
            if (file != null) {
                Outputs.requireWritableFile(file);
            }
        }
    }
}
