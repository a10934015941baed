package dev.mrt2.convert.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names with a backslash, newline or carriage return, both ways: sha256sum writes such a line with a leading
 * backslash and the name escaped; we read that and write exactly the same bytes.
 */
class ChecksumEscapedNamesTest {
    @TempDir
    Path dir;

    // sha256 of "w", "x", "y", "z", as sha256sum prints them
    static final String W = "50e721e49c013f00c62cf59f2163542a9d8df02464efeb615d31051b0fddc326";
    static final String X = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
    static final String Y = "a1fce4363854ff888cff4b8e7875d600c2682390412a8cf79b37d0b11148b0fa";
    static final String Z = "594e519ae499312b29433b7dd8a97ff068defcba9755b6d5d00e84c524d67b06";

    /** What {@code sha256sum *} prints in this folder (coreutils 9.1). */
    static final String GNU = W + "  a.txt\n"
            + "\\" + X + "  back\\\\slash.txt\n"
            + "\\" + Z + "  cr\\rname.txt\n"
            + "\\" + Y + "  new\\nline.txt\n";

    @BeforeEach
    void files() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "w");
        Files.writeString(dir.resolve("back\\slash.txt"), "x");
        Files.writeString(dir.resolve("cr\rname.txt"), "z");
        Files.writeString(dir.resolve("new\nline.txt"), "y");
    }

    @Test
    void readsEscapedLines() throws IOException {
        Path manifest = Files.writeString(dir.resolve("SHA256SUMS"), GNU);
        assertEquals(List.of(new ChecksumManifest.Entry("a.txt", W), new ChecksumManifest.Entry("back\\slash.txt", X),
                new ChecksumManifest.Entry("cr\rname.txt", Z), new ChecksumManifest.Entry("new\nline.txt", Y)),
                ChecksumManifest.read(manifest));
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertTrue(v.passed(), v.problems());
        assertEquals(4, v.matched());
    }

    @Test
    void readsEscapedTagLines() throws IOException {
        // sha256sum --tag
        Path manifest = Files.writeString(dir.resolve("SHA256SUMS"), "SHA256 (a.txt) = " + W + "\n"
                + "\\SHA256 (back\\\\slash.txt) = " + X + "\n\\SHA256 (cr\\rname.txt) = " + Z + "\n"
                + "\\SHA256 (new\\nline.txt) = " + Y + "\n");
        assertTrue(ChecksumManifest.verify(manifest, dir).passed());
    }

    @Test
    void writesTheBytesSha256sumWrites() throws IOException {
        Path manifest = dir.resolve("SHA256SUMS");
        ChecksumManifest.write(dir, manifest);
        assertEquals(GNU, Files.readString(manifest));
    }

    @Test
    void aBackslashWithoutTheLeadingOneIsPartOfTheName() throws IOException {
        // no leading backslash: sha256sum reads the name as written
        Path manifest = Files.writeString(dir.resolve("sums"), X + "  back\\slash.txt\n");
        assertEquals(List.of(new ChecksumManifest.Entry("back\\slash.txt", X)), ChecksumManifest.read(manifest));
    }

    @Test
    void anEscapeSha256sumNeverWritesIsRefused() throws IOException {
        Path manifest = Files.writeString(dir.resolve("sums"), "\\" + X + "  back\\slash.txt\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ChecksumManifest.read(manifest));
        assertEquals(manifest + ": line 1: the line starts with '\\', so its path must be escaped as sha256sum does "
                + "(\\\\ for a backslash, \\n for a newline, \\r for a carriage return)", e.getMessage());
    }

    @Test
    void reportedNamesCarryNoControlCharacters() throws IOException {
        Path manifest = Files.writeString(dir.resolve("SHA256SUMS"), GNU);
        Files.delete(dir.resolve("new\nline.txt"));
        Files.writeString(dir.resolve("cr\rname.txt"), "changed");
        Files.writeString(dir.resolve("tab\there"), "new");
        String problems = ChecksumManifest.verify(manifest, dir).problems();
        assertEquals("missing: new\\nline.txt; changed: cr\\rname.txt; extra: tab\\there", problems);
        assertFalse(problems.chars().anyMatch(Character::isISOControl), problems);
    }

    @Test
    void printableEscapesEveryControlCharacter() {
        assertEquals("a\\x00b\\x1b[31m\\x7f\\x85", ManifestNames.printable("a\0b\u001b[31m\u007f\u0085"));
        assertEquals("plain name.txt", ManifestNames.printable("plain name.txt"));
    }
}
