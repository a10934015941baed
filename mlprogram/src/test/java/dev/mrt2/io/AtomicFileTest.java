package dev.mrt2.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void failedWriteKeepsThePreviousFileAndLeavesNoTemp() throws IOException {
        Path target = dir.resolve("out.json");
        Files.writeString(target, "old");
        IOException boom = new IOException("disk full");
        Exception e = assertThrows(Exception.class, () -> AtomicFile.write(target, out -> {
            out.write("half".getBytes());
            throw boom;
        }));
        assertSame(boom, e.getCause());
        assertEquals("old", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void writtenFileIsReadableByOthersLikeAnyNewFile() throws IOException {
        Path target = dir.resolve("sub/out.bin");
        AtomicFile.write(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        // a temp file from Files.createTempFile would be owner-only (0600); artifacts must follow the umask
        assertTrue(Files.getPosixFilePermissions(target).contains(PosixFilePermission.OWNER_READ));
        Path plain = dir.resolve("plain.bin");
        Files.write(plain, new byte[0]);
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }
}
