package dev.mrt2.convert;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tiny synthetic checkpoint (all 374 keys, small widths) and one conversion of it, shared by the test classes
 * of this JVM so the suite converts as few times as possible.
 */
final class TinyCheckpoint {
    static final long SEED = 20240611L;
    static final String SHA256 = "ab".repeat(32);   // stands in for the caller-computed digest
    static final int FRAMES = 5;

    private static Path shared;

    private TinyCheckpoint() {}

    /** A directory holding {@code tiny.safetensors} and its conversion in {@code out/}; deleted when the JVM exits. */
    static synchronized Path shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("mrt2-converters-test");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                convertAll(write(dir), dir.resolve("out"));
                shared = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    static Path sharedCheckpoint() {
        return shared().resolve("tiny.safetensors");
    }

    static Path sharedOutput() {
        return shared().resolve("out");
    }

    static Path write(Path dir) {
        Path file = dir.resolve("tiny.safetensors");
        if (!Files.exists(file)) {
            Mrt2Synth.write(file, Mrt2Dims.tiny(), SEED, 1);
        }
        return file;
    }

    /** The three package converters for {@code dims}, decoder at {@link #FRAMES} frames. */
    static List<PackageConverter<?>> converters(Mrt2Dims dims) {
        return List.of(new TemporalConverter(dims), new DepthConverter(dims), new DecoderConverter(dims, FRAMES));
    }

    /** Converts every package of the checkpoint into {@code out}, then writes the folder's MODELS.md. */
    static void convertAll(Path checkpoint, Path out) {
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            PackageExporter exporter = new PackageExporter(f, SHA256, out);
            for (PackageConverter<?> c : converters(Mrt2Dims.fromCheckpoint(f))) {
                exporter.export(c);
            }
        }
        ArtifactIndex.write(out, java.util.Set.of());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
