package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertDeterminismTest {
    @TempDir
    Path dir;

    @Test
    void convertingTwiceGivesIdenticalBytesInEveryFile() throws IOException {
        Path first = TinyCheckpoint.sharedOutput();
        Path second = dir.resolve("second");
        TinyCheckpoint.convertAll(TinyCheckpoint.sharedCheckpoint(), second);

        List<String> files = relativeFiles(first);
        assertEquals(files, relativeFiles(second), "both runs write the same file list");
        // 3 packages x 3 files, 3 sidecars, MODELS.md
        assertEquals(13, files.size(), "files: " + files);
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(first.resolve(f)), Files.readAllBytes(second.resolve(f)),
                    f + " differs between two conversions of the same checkpoint");
        }
    }

    @Test
    void convertingOverAnEarlierConversionLeavesNoStaleOrStagingFiles() throws IOException {
        Path out = dir.resolve("out");
        TinyCheckpoint.convertAll(TinyCheckpoint.sharedCheckpoint(), out);
        TinyCheckpoint.convertAll(TinyCheckpoint.sharedCheckpoint(), out);
        assertEquals(relativeFiles(TinyCheckpoint.sharedOutput()), relativeFiles(out));
        try (Stream<Path> entries = Files.list(out)) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no hidden leftovers");
        }
    }

    static List<String> relativeFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
