package dev.mrt2.convert.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sha256sum * > SHA256SUMS} run a second time lists SHA256SUMS with the hash of its earlier contents: a file
 * cannot hold its own hash, so that entry is skipped and said so, never reported as missing.
 */
class ChecksumSelfEntryTest {
    @TempDir
    Path dir;

    private static final String ABC = ChecksumManifestTest.ABC;
    private static final String EMPTY = ChecksumManifestTest.EMPTY;

    @Test
    void theManifestsOwnEntryIsSkipped() throws IOException {
        Files.writeString(dir.resolve("a.bin"), "abc");
        // what sha256sum * > SHA256SUMS writes when SHA256SUMS already exists (empty, as the shell made it)
        Path manifest = Files.writeString(dir.resolve("SHA256SUMS"), EMPTY + "  SHA256SUMS\n" + ABC + "  a.bin\n");
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertTrue(v.passed(), v.problems());
        assertEquals(List.of("SHA256SUMS"), v.skipped());
        assertEquals(List.of(), v.missing());
        assertEquals(1, v.matched());
    }

    @Test
    void theOtherFilesAreStillChecked() throws IOException {
        Files.writeString(dir.resolve("a.bin"), "abd");
        Path manifest = Files.writeString(dir.resolve("SHA256SUMS"), EMPTY + "  ./SHA256SUMS\n" + ABC + "  a.bin\n");
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertFalse(v.passed());
        assertEquals("changed: a.bin", v.problems());
        assertEquals(List.of("SHA256SUMS"), v.skipped());
    }

    @Test
    void aFileOfTheSameNameInAnotherFolderIsChecked(@TempDir Path elsewhere) throws IOException {
        // the manifest lives outside the folder: "SHA256SUMS" in it names an ordinary file there
        Path manifest = Files.writeString(elsewhere.resolve("SHA256SUMS"), EMPTY + "  SHA256SUMS\n");
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertEquals("missing: SHA256SUMS", v.problems());
        assertEquals(List.of(), v.skipped());
    }
}
