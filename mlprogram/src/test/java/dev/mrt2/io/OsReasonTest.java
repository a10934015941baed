package dev.mrt2.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words users read for failed writes: the OS's reason, lower case, no Java class names. */
class OsReasonTest {
    @TempDir
    Path dir;

    @Test
    void javaExceptionClassesBecomeTheOperatingSystemsWords() {
        assertEquals("permission denied", OsReason.of(new AccessDeniedException("/x")));
        assertEquals("no such file or directory", OsReason.of(new NoSuchFileException("/x")));
        assertEquals("is a directory", OsReason.of(new FileSystemException("/x", null, "Is a directory")));
        assertEquals("no space left on device", OsReason.of(new IOException("No space left on device")));
        assertEquals("file too large", OsReason.of(new IOException("File too large")));
        assertEquals("EOF reached early", OsReason.of(new IOException("EOF reached early")), "acronyms stay");
        assertEquals("input/output error", OsReason.of(new IOException()));
        assertEquals("/x: permission denied", OsReason.describe("ignored", new AccessDeniedException("/x")));
        assertEquals("out.npz: no space left on device",
                OsReason.describe("out.npz", new IOException("No space left on device")));
    }

    @Test
    void aFolderWhereAFileGoesIsReportedAsSuch() throws IOException {
        OutputException e = assertThrows(OutputException.class, () -> Outputs.requireWritableFile(dir));
        assertEquals(dir + ": is a directory", e.getMessage());
        Path file = Files.writeString(dir.resolve("afile"), "x");
        OutputException under = assertThrows(OutputException.class,
                () -> Outputs.requireWritableFile(file.resolve("out.npz")));
        assertEquals(file.resolve("out.npz") + ": cannot write: " + file + " is not a directory", under.getMessage());
        OutputException folder = assertThrows(OutputException.class, () -> Outputs.requireWritableDirectory(file));
        assertEquals(file + ": exists and is not a directory", folder.getMessage());
        Outputs.requireWritableFile(dir.resolve("new/deeper/out.npz"));   // missing folders are fine: made later
        Outputs.requireWritableDirectory(dir.resolve("new/deeper"));
        assertEquals(1, dir.toFile().list().length, "the checks leave nothing behind");
    }

    /** Permission bits do not stop root; /sys does (EACCES there even for root on Linux). */
    @Test
    void aFolderWeMayNotWriteInSaysPermissionDenied() throws IOException {
        Path locked;
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            locked = Path.of("/sys");
            assumeTrue(Files.isDirectory(locked) && !canCreateIn(locked), "needs /sys to refuse new files");
        } else {
            locked = Files.createDirectory(dir.resolve("locked"));
            assumeTrue(locked.toFile().setWritable(false, false), "cannot drop write permission here");
        }
        OutputException e = assertThrows(OutputException.class,
                () -> Outputs.requireWritableFile(locked.resolve("out.npz")));
        assertTrue(e.getMessage().equals(locked.resolve("out.npz") + ": cannot write: permission denied")
                || e.getMessage().equals(locked.resolve("out.npz") + ": cannot write: read-only file system"),
                e.getMessage());
    }

    private static boolean canCreateIn(Path folder) {
        try {
            Files.delete(Files.createFile(folder.resolve(".mrt2-probe-test")));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
