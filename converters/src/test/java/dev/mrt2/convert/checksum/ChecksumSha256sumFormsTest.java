package dev.mrt2.convert.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every line form GNU sha256sum writes (or -c accepts) reads as the same entries; the lines are spelled as it does. */
class ChecksumSha256sumFormsTest {
    @TempDir
    Path tmp;
    Path dir;

    // sha256 of "abc" and of "" (FIPS 180-2 test vectors)
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final List<ChecksumManifest.Entry> BOTH = List.of(
            new ChecksumManifest.Entry("a.bin", ABC), new ChecksumManifest.Entry("sub/e.txt", EMPTY));

    @BeforeEach
    void files() throws IOException {
        dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("a.bin"), "abc");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/e.txt"), "");
    }

    private List<ChecksumManifest.Entry> read(String text) throws IOException {
        Path manifest = Files.writeString(tmp.resolve("sums"), text, StandardCharsets.UTF_8);
        List<ChecksumManifest.Entry> entries = ChecksumManifest.read(manifest);
        assertTrue(ChecksumManifest.verify(manifest, dir).passed(), text);
        return entries;
    }

    private BadInputException refused(String text) throws IOException {
        Path manifest = Files.writeString(tmp.resolve("sums"), text, StandardCharsets.UTF_8);
        return assertThrows(BadInputException.class, () -> ChecksumManifest.read(manifest));
    }

    @Test
    void textAndBinaryMode() throws IOException {
        assertEquals(BOTH, read(ABC + "  a.bin\n" + EMPTY + "  sub/e.txt\n"));
        assertEquals(BOTH, read(ABC + " *a.bin\n" + EMPTY + " *sub/e.txt\n"));   // sha256sum --binary
    }

    @Test
    void uppercaseHexDigits() throws IOException {
        assertEquals(BOTH, read(ABC.toUpperCase(java.util.Locale.ROOT) + "  a.bin\n"
                + EMPTY.toUpperCase(java.util.Locale.ROOT) + "  sub/e.txt\n"));
    }

    @Test
    void bsdTagLines() throws IOException {
        // sha256sum --tag
        assertEquals(BOTH, read("SHA256 (a.bin) = " + ABC + "\nSHA256 (sub/e.txt) = " + EMPTY + "\n"));
        // the path runs to the last ')', as sha256sum -c reads it
        Files.writeString(dir.resolve("f(1).txt"), "abc");
        assertEquals(new ChecksumManifest.Entry("f(1).txt", ABC),
                read("SHA256 (a.bin) = " + ABC + "\nSHA256 (f(1).txt) = " + ABC + "\nSHA256 (sub/e.txt) = "
                        + EMPTY + "\n").get(1));
    }

    @Test
    void tagLinesOfAnotherDigestAreRefused() throws IOException {
        BadInputException e = refused("MD5 (a.bin) = 900150983cd24fb0d6963f7d28e17f72\n");
        assertTrue(e.getMessage().endsWith(": line 1: expected '<64 hex digits>  <path>' or "
                + "'SHA256 (<path>) = <64 hex digits>'"), e.getMessage());
    }

    @Test
    void oneSpaceFormWhenTheWholeManifestUsesIt() throws IOException {
        // "<hex> <path>" (BSD reversed, md5 -r): sha256sum -c reads it when the first line uses it
        assertEquals(BOTH, read(ABC + " a.bin\n" + EMPTY + " sub/e.txt\n"));
        BadInputException e = refused(ABC + "  a.bin\n" + EMPTY + " sub/e.txt\n");
        assertTrue(e.getMessage().endsWith(": line 2: one space between digest and path, after lines with two "
                + "(sha256sum reads only one form per manifest)"), e.getMessage());
    }

    @Test
    void dotSlashCommentsBlankLinesAndCrLf() throws IOException {
        assertEquals(BOTH, read("# made by hand\r\n" + ABC + "  ./a.bin\r\n\r\n" + EMPTY + "  ./sub/e.txt\r\n"));
    }

    @Test
    void nulTerminatedRecords() throws IOException {
        // sha256sum -z: NUL after every record, names never escaped
        Files.writeString(dir.resolve("new\nline.txt"), "abc");
        Files.writeString(dir.resolve("back\\slash.txt"), "abc");
        List<ChecksumManifest.Entry> entries = read(ABC + "  a.bin\0" + ABC + "  back\\slash.txt\0" + ABC
                + "  new\nline.txt\0" + EMPTY + "  sub/e.txt\0");
        assertEquals(List.of("a.bin", "back\\slash.txt", "new\nline.txt", "sub/e.txt"),
                entries.stream().map(ChecksumManifest.Entry::path).toList());
    }

    @Test
    void aNulInsideLinesIsRefused() throws IOException {
        BadInputException e = refused(ABC + "  a.bin\0" + EMPTY + "  sub/e.txt\n");
        assertTrue(e.getMessage().endsWith(": holds NUL bytes but does not end with one: neither lines nor "
                + "NUL-terminated records (sha256sum -z)"), e.getMessage());
    }
}
