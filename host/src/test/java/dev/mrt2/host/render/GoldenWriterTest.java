package dev.mrt2.host.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden folder is staged beside its target, appears whole or not at all, and leaves nothing behind. */
class GoldenWriterTest {
    @TempDir
    Path dir;

    @Test
    void aKilledRunsStagingIsClearedAndTheFolderGetsTheUsualPermissions() throws Exception {
        Path target = dir.resolve("golden");
        Path staging = dir.resolve(".golden.mrt2-staging");
        Files.createDirectories(staging.resolve("frames"));
        Files.writeString(staging.resolve("frames/left-by-a-kill.npy"), "x");
        GoldenWriter w = GoldenWriter.create(target);
        assertFalse(Files.exists(staging.resolve("frames/left-by-a-kill.npy")));
        w.finish(Map.of("seed", 1));
        assertFalse(Files.exists(staging));
        assertTrue(Files.isRegularFile(target.resolve("golden.json")));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Path plain = Files.createDirectory(dir.resolve("plain"));   // what the umask gives a new folder
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
        }
    }

    @Test
    void anAbandonedRunLeavesNoFolder() throws Exception {
        GoldenWriter w = GoldenWriter.create(dir.resolve("g"));
        w.abandon();
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }
}
