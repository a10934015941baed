package dev.mrt2.convert.checksum;

import dev.mrt2.mil.pkg.Digests;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt2.io.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumManifestTest {
    @TempDir
    Path dir;

    // sha256 of "abc" and of "" (FIPS 180-2 test vectors)
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @BeforeEach
    void files() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "abc");
        Files.createDirectories(dir.resolve("Pkg.mlpackage/Data"));
        Files.writeString(dir.resolve("Pkg.mlpackage/Data/weight.bin"), "");
        Files.writeString(dir.resolve("a.bin"), "abc");
    }

    @Test
    void listsEveryFileRecursivelySortedWithSlashes() {
        List<ChecksumManifest.Entry> entries = ChecksumManifest.write(dir, dir.resolve(ChecksumManifest.DEFAULT_NAME));
        assertEquals(List.of(
                new ChecksumManifest.Entry("Pkg.mlpackage/Data/weight.bin", EMPTY),
                new ChecksumManifest.Entry("a.bin", ABC),
                new ChecksumManifest.Entry("b.txt", ABC)), entries);
    }

    @Test
    void manifestTextIsSha256sumFormatAndExcludesItself() throws IOException {
        Path manifest = dir.resolve(ChecksumManifest.DEFAULT_NAME);
        ChecksumManifest.write(dir, manifest);
        assertEquals(EMPTY + "  Pkg.mlpackage/Data/weight.bin\n" + ABC + "  a.bin\n" + ABC + "  b.txt\n",
                Files.readString(manifest));
        ChecksumManifest.write(dir, manifest);   // a second run must not list the first manifest
        assertEquals(3, Files.readAllLines(manifest).size());
    }

    @Test
    void gnuSha256sumAcceptsOurManifest() throws Exception {
        assumeTrue(Sha256sumTool.present(), "sha256sum is not on the PATH");
        Path manifest = dir.resolve(ChecksumManifest.DEFAULT_NAME);
        ChecksumManifest.write(dir, manifest);
        Process p = new ProcessBuilder("sha256sum", "-c", "--strict", ChecksumManifest.DEFAULT_NAME)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertEquals("Pkg.mlpackage/Data/weight.bin: OK\na.bin: OK\nb.txt: OK\n", output);
    }

    @Test
    void readsAManifestWrittenBySha256sum() throws Exception {
        assumeTrue(Sha256sumTool.present(), "sha256sum is not on the PATH");
        Process p = new ProcessBuilder("sha256sum", "a.bin", "b.txt").directory(dir.toFile())
                .redirectOutput(dir.resolve("gnu.sums").toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(List.of(new ChecksumManifest.Entry("a.bin", ABC), new ChecksumManifest.Entry("b.txt", ABC)),
                ChecksumManifest.read(dir.resolve("gnu.sums")));
    }

    @Test
    void verifyPassesOnAnUntouchedDirectory() {
        Path manifest = dir.resolve(ChecksumManifest.DEFAULT_NAME);
        ChecksumManifest.write(dir, manifest);
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertTrue(v.passed(), v.problems());
        assertEquals(3, v.matched());
        assertEquals("", v.problems());
    }

    @Test
    void verifyNamesAMissingFile() throws IOException {
        Path manifest = dir.resolve(ChecksumManifest.DEFAULT_NAME);
        ChecksumManifest.write(dir, manifest);
        Files.delete(dir.resolve("Pkg.mlpackage/Data/weight.bin"));
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertFalse(v.passed());
        assertEquals(List.of("Pkg.mlpackage/Data/weight.bin"), v.missing());
        assertEquals("missing: Pkg.mlpackage/Data/weight.bin", v.problems());
    }

    @Test
    void verifyNamesAChangedFile() throws IOException {
        Path manifest = dir.resolve(ChecksumManifest.DEFAULT_NAME);
        ChecksumManifest.write(dir, manifest);
        Files.writeString(dir.resolve("b.txt"), "abd");
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertEquals(List.of("b.txt"), v.changed());
        assertEquals(2, v.matched());
        assertEquals("changed: b.txt", v.problems());
    }

    @Test
    void verifyNamesAnExtraFile() throws IOException {
        Path manifest = dir.resolve(ChecksumManifest.DEFAULT_NAME);
        ChecksumManifest.write(dir, manifest);
        Files.writeString(dir.resolve("Pkg.mlpackage/Manifest.json"), "{}");
        ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
        assertEquals(List.of("Pkg.mlpackage/Manifest.json"), v.extra());
        assertEquals("extra: Pkg.mlpackage/Manifest.json", v.problems());
    }

    @Test
    void verifyNamesEveryProblemAtOnce() throws IOException {
        Path manifest = dir.resolve(ChecksumManifest.DEFAULT_NAME);
        ChecksumManifest.write(dir, manifest);
        Files.delete(dir.resolve("a.bin"));
        Files.writeString(dir.resolve("b.txt"), "changed");
        Files.writeString(dir.resolve("c.txt"), "new");
        assertEquals("missing: a.bin; changed: b.txt; extra: c.txt", ChecksumManifest.verify(manifest, dir).problems());
    }

    @Test
    void manifestOutsideTheDirectory(@TempDir Path elsewhere) {
        Path manifest = elsewhere.resolve("sums.txt");
        assertEquals(3, ChecksumManifest.write(dir, manifest).size());
        assertTrue(ChecksumManifest.verify(manifest, dir).passed());
    }

    @Test
    void malformedManifestLineIsBadInput() throws IOException {
        Path manifest = dir.resolve("bad.sums");
        Files.writeString(manifest, ABC + "  a.bin\nnot a checksum line\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ChecksumManifest.read(manifest));
        assertEquals(manifest + ": line 2: expected '<64 hex digits>  <path>' or 'SHA256 (<path>) = <64 hex digits>'",
                e.getMessage());
    }

    @Test
    void manifestPathsMayNotLeaveTheDirectory() throws IOException {
        Path manifest = dir.resolve("bad.sums");
        Files.writeString(manifest, ABC + "  ../secret\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ChecksumManifest.read(manifest));
        assertTrue(e.getMessage().contains("line 1: path '../secret' leaves the directory"), e.getMessage());
        Files.writeString(manifest, ABC + "  /etc/passwd\n");
        assertThrows(BadInputException.class, () -> ChecksumManifest.read(manifest));
    }

    @Test
    void repeatedPathIsBadInput() throws IOException {
        Path manifest = dir.resolve("bad.sums");
        Files.writeString(manifest, ABC + "  a.bin\n" + ABC + "  a.bin\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ChecksumManifest.read(manifest));
        assertTrue(e.getMessage().endsWith("line 2: 'a.bin' listed twice"), e.getMessage());
    }

    @Test
    void missingManifestOrDirectoryIsBadInput() {
        assertThrows(BadInputException.class, () -> ChecksumManifest.read(dir.resolve("absent")));
        BadInputException e = assertThrows(BadInputException.class,
                () -> ChecksumManifest.write(dir.resolve("absent"), dir.resolve("x")));
        assertEquals(dir.resolve("absent") + ": no such directory", e.getMessage());
    }

    @Test
    void sha256OfKnownVectors() {
        assertEquals(ABC, Digests.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ABC, Digests.sha256(dir.resolve("a.bin")));
    }
}
