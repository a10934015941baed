package dev.mrt2.cli;

import dev.mrt2.io.Outputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks that output files can be written before long work starts, so a typo costs seconds, not a render. */
final class OutputFiles {
    private OutputFiles() {}

    /** A path and the option that named it, for messages. */
    record Named(String option, Path path) {}

    /** {@link Outputs#requireWritableFile} for each file given; null entries (options left out) are skipped. */
    static void requireWritable(Path... files) {
        for (Path file : files) {
            if (file != null) {
                Outputs.requireWritableFile(file);
            }
        }
    }

    /**
     * A usage error when an output would land on an input or on another output (one file named twice would
     * silently replace the other, or the file just read), inside an input folder (a package or a models folder, whose
     * checksums it would break), or inside an output folder that is written whole. Null paths (options left out) are
     * skipped; {@code outputFolders} are outputs too.
     */
    static void requireDistinct(CommandSpec spec, List<Named> inputs, List<Named> outputs, List<Named> outputFolders) {
        List<Named> seen = new ArrayList<>(present(inputs));
        List<Named> folders = present(outputFolders);
        List<Named> written = new ArrayList<>(present(outputs));
        written.addAll(folders);
        for (Named out : written) {
            for (Named other : seen) {
                if (same(out.path(), other.path())) {
                    throw new ParameterException(spec.commandLine(), out.option() + " " + out.path()
                            + (inputs.contains(other) ? " would replace the input " + other.option() + " "
                            + other.path() : " is also " + other.option()));
                }
            }
            for (Named folder : folders) {
                if (folder != out && inside(out.path(), folder.path())) {
                    throw new ParameterException(spec.commandLine(), out.option() + " " + out.path() + " is inside "
                            + folder.option() + " " + folder.path() + ", which is replaced as a whole");
                }
            }
            for (Named input : present(inputs)) {
                if (Files.isDirectory(input.path()) && inside(out.path(), input.path())) {
                    throw new ParameterException(spec.commandLine(), out.option() + " " + out.path() + " is inside "
                            + "the input " + input.option() + " " + input.path() + "; write it elsewhere");
                }
            }
            seen.add(out);
        }
    }

    private static List<Named> present(List<Named> named) {
        List<Named> out = new ArrayList<>();
        for (Named n : named) {
            if (n.path() != null) {
                out.add(n);
            }
        }
        return out;
    }

    /** The same file: the same absolute path, or (when both exist) one file under two names (links). */
    static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean inside(Path file, Path folder) {
        Path f = file.toAbsolutePath().normalize();
        Path d = folder.toAbsolutePath().normalize();
        return !f.equals(d) && f.startsWith(d);
    }
}
