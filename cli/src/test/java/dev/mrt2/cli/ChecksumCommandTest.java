package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrt2 checksum} on what GNU sha256sum writes: escaped names, -z records, a manifest that lists itself. */
class ChecksumCommandTest {
    @TempDir
    Path tmp;

    // sha256 of "abc" and of "" (FIPS 180-2 test vectors)
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** Nothing but printable text and line ends: a file name must not put a NUL or an escape on the terminal. */
    private static void noControlCharacters(CliRun r) {
        assertFalse((r.out() + r.err()).chars().anyMatch(c -> Character.isISOControl(c) && c != '\n'), r.toString());
    }

    @Test
    void writesNamesWithABackslashOrNewlineEscapedAsSha256sumDoes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("back\\slash.txt"), "abc");
        Files.writeString(dir.resolve("new\nline.txt"), "");
        CliRun r = CliRun.of("checksum", dir.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("\\" + ABC + "  back\\\\slash.txt\n\\" + EMPTY + "  new\\nline.txt\n",
                Files.readString(dir.resolve("SHA256SUMS")));
        CliRun v = CliRun.of("checksum", "--verify", dir.resolve("SHA256SUMS").toString());
        assertEquals(0, v.code(), v.toString());
        assertEquals(dir.resolve("SHA256SUMS") + ": OK, 2 files\n", v.out());
    }

    @Test
    void theManifestOnStdoutKeepsANameThatEndsInASpace() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("trail "), "abc");
        CliRun r = CliRun.of("checksum", dir.toString(), "--manifest", "-");
        assertEquals(0, r.code(), r.toString());
        assertEquals(ABC + "  trail \n", r.out());
    }

    @Test
    void readsNulTerminatedRecordsAndPrintsNamesEscaped() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("a.txt"), "abc");
        // sha256sum -z: a NUL after each record, names as they are
        Path manifest = Files.writeString(tmp.resolve("z.SUMS"), ABC + "  a.txt\0" + EMPTY + "  new\nline.txt\0");
        CliRun r = CliRun.of("checksum", "--verify", manifest.toString(), dir.toString());
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertEquals("MISSING new\\nline.txt\n", r.out());
        assertEquals(List.of("mrt2: " + manifest + ": verification failed: missing: new\\nline.txt"), r.errLines());
        noControlCharacters(r);
    }

    @Test
    void aManifestThatListsItselfIsCheckedWithoutThatEntry() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("a.txt"), "abc");
        // sha256sum * > SHA256SUMS, run where SHA256SUMS already existed
        Path manifest = Files.writeString(dir.resolve("SHA256SUMS"), EMPTY + "  SHA256SUMS\n" + ABC + "  a.txt\n");
        CliRun r = CliRun.of("checksum", "--verify", manifest.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("SKIPPED SHA256SUMS (the manifest itself: a file cannot hold its own hash)\n"
                + manifest + ": OK, 1 files\n", r.out());

        CliRun j = CliRun.of("checksum", "--verify", manifest.toString(), "--json");
        JsonNode doc = new ObjectMapper().readTree(j.out());
        assertTrue(doc.get("ok").asBoolean(), j.toString());
        assertEquals("SHA256SUMS", doc.get("skipped").get(0).asText());
        assertEquals(0, doc.get("missing").size());
    }

    @Test
    void aNameWithAControlCharacterInAnErrorIsEscaped() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Path manifest = Files.writeString(tmp.resolve("SUMS"), ABC + "  ../up\u001b[2J\n");
        CliRun r = CliRun.of("checksum", "--verify", manifest.toString(), dir.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertEquals(List.of("mrt2: " + manifest + ": line 1: path '../up\\x1b[2J' leaves the directory"),
                r.errLines());
        noControlCharacters(r);
    }
}
