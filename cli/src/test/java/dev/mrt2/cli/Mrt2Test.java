package dev.mrt2.cli;

import dev.mrt2.mil.pkg.Digests;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class Mrt2Test {
    @TempDir
    static Path shared;
    static Path tiny;

    @TempDir
    Path dir;

    @BeforeAll
    static void synthTiny() {
        tiny = shared.resolve("tiny.safetensors");
        CliRun r = CliRun.of("synth", "--preset", "tiny", "--seed", "5", "--out", tiny.toString(), "-q");
        assertEquals(0, r.code(), r.toString());
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void rootWithoutCommandPrintsUsageAndExitCodes() {
        CliRun r = CliRun.of();
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("Usage: mrt2"), r.toString());
        for (String command : List.of("synth", "convert", "checksum", "demo", "help")) {
            assertTrue(r.err().contains("  " + command + " "), command + " listed\n" + r);
        }
        assertTrue(r.err().contains("Exit codes:"), r.toString());
        assertTrue(r.err().contains("3   bad input file"), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void synthPrintsKeysBytesAndTheFileSha256() throws IOException {
        Path out = dir.resolve("t.safetensors");
        CliRun r = CliRun.of("synth", "--preset", "tiny", "--seed", "5", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = json(r.out());
        assertEquals(374, j.get("keys").asInt());
        assertEquals(Files.size(out), j.get("bytes").asLong());
        assertEquals(Digests.sha256(out), j.get("sha256").asText());
        assertEquals(Digests.sha256(tiny), j.get("sha256").asText(), "same seed, same bytes as the earlier run");
        assertEquals("tiny", j.get("preset").asText());
        assertTrue(r.errLines().get(0).startsWith("synth: writing tiny checkpoint (seed 5)"), r.toString());
    }

    @Test
    void missingRequiredOptionIsOneUsageLine() {
        CliRun r = CliRun.of("synth", "--preset", "tiny");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(List.of("mrt2: Missing required option: '--out=FILE' (see 'mrt2 synth --help')"), r.errLines());
    }

    @Test
    void parsedOptionsLandOnTheCommand() {
        CommandLine cl = Mrt2.commandLine(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()));
        CommandLine.ParseResult p = cl.parseArgs("convert", "--checkpoint", "c.safetensors", "--out", "o",
                "--only", "codebooks,temporal", "--json");
        Convert convert = (Convert) p.subcommand().commandSpec().userObject();
        assertEquals(List.of("codebooks", "temporal"), convert.only);
        assertEquals(Path.of("c.safetensors"), convert.checkpoint);
        assertTrue(convert.output.json);
    }

    @Test
    void truncatedCheckpointIsBadInputWithOneLineNamingTheFile() throws IOException {
        byte[] all = Files.readAllBytes(tiny);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        CliRun r = CliRun.of("convert", "--checkpoint", cut.toString(), "--out", dir.resolve("o").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("mrt2: " + cut + ": tensor '"), r.toString());
        assertTrue(r.errLines().get(0).contains("outside the data area"), r.toString());
    }

    @Test
    void missingCheckpointIsBadInput() {
        Path absent = dir.resolve("absent.safetensors");
        CliRun r = CliRun.of("convert", "--checkpoint", absent.toString(), "--out", dir.resolve("o").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(List.of("mrt2: " + absent + ": no such file"), r.errLines());
    }

    @Test
    void stackTraceOnlyWithX() throws IOException {
        Path absent = dir.resolve("absent.safetensors");
        CliRun r = CliRun.of("convert", "-x", "--checkpoint", absent.toString(), "--out", dir.resolve("o").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.errLines().size() > 2, r.toString());
        assertTrue(r.errLines().get(1).startsWith("dev.mrt2.safetensors.SafetensorsException: "), r.toString());
    }

    @Test
    void unknownPieceIsAUsageError() {
        CliRun r = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", dir.toString(), "--only", "nope");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("mrt2: --only: unknown piece 'nope' (available: "), r.toString());
        assertTrue(r.errLines().get(0).contains("codebooks"), r.toString());
        assertTrue(r.errLines().get(0).endsWith(") (see 'mrt2 convert --help')"), r.toString());
    }

    @Test
    void convertWritesCodebooksAndManifestAsOneJsonDocument() throws IOException {
        Path out = dir.resolve("art");
        CliRun r = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", out.toString(), "--only", "codebooks",
                "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = json(r.out());
        assertEquals(Files.readAllLines(out.resolve("SHA256SUMS")).size(), j.get("manifest_entries").asInt());
        JsonNode cb = j.get("pieces").get("codebooks");
        assertEquals(24576, cb.get("byte_count").asLong());
        assertEquals(Digests.sha256(out.resolve("SpectroStreamRVQCodebooks.f32.bin")), cb.get("sha256").asText());
        assertTrue(Files.exists(out.resolve("SHA256SUMS")));
    }

    @Test
    void checksumWriteThenVerify() throws IOException {
        Files.writeString(dir.resolve("a.bin"), "abc");
        CliRun w = CliRun.of("checksum", dir.toString());
        assertEquals(0, w.code(), w.toString());
        CliRun v = CliRun.of("checksum", "--verify", dir.resolve("SHA256SUMS").toString());
        assertEquals(0, v.code(), v.toString());
        assertTrue(v.out().contains("OK, 1 files"), v.toString());
    }

    @Test
    void checksumVerifyNamesEveryMismatchAndExits1() throws IOException {
        Path art = Files.createDirectories(dir.resolve("art"));
        Files.writeString(art.resolve("gone.bin"), "1");
        Files.writeString(art.resolve("edited.bin"), "2");
        Path manifest = dir.resolve("sums");
        assertEquals(0, CliRun.of("checksum", art.toString(), "--manifest", manifest.toString()).code());
        Files.delete(art.resolve("gone.bin"));
        Files.writeString(art.resolve("edited.bin"), "3");
        Files.writeString(art.resolve("new.bin"), "4");

        CliRun r = CliRun.of("checksum", "--verify", manifest.toString(), art.toString());
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertEquals(List.of("mrt2: " + manifest + ": verification failed: missing: gone.bin; changed: edited.bin; "
                + "extra: new.bin"), r.errLines());
        assertEquals("MISSING gone.bin\nCHANGED edited.bin\nEXTRA   new.bin\n", r.out());

        CliRun j = CliRun.of("checksum", "--verify", manifest.toString(), art.toString(), "--json");
        assertEquals(ExitCodes.FAILURE, j.code());
        JsonNode doc = json(j.out());
        assertFalse(doc.get("ok").asBoolean());
        assertEquals("new.bin", doc.get("extra").get(0).asText());
    }

    @Test
    void checksumWithoutDirectoryIsUsage() {
        CliRun r = CliRun.of("checksum");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(List.of("mrt2: missing DIR (or --verify MANIFEST) (see 'mrt2 checksum --help')"), r.errLines());
    }

    @Test
    void malformedManifestIsBadInput() throws IOException {
        Path manifest = dir.resolve("SHA256SUMS");
        Files.writeString(manifest, "garbage\n");
        CliRun r = CliRun.of("checksum", "--verify", manifest.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(List.of("mrt2: " + manifest + ": line 1: expected '<64 hex digits>  <path>' or "
                + "'SHA256 (<path>) = <64 hex digits>'"), r.errLines());
    }

    @Test
    void quietAndVerboseExcludeEachOther() {
        CliRun r = CliRun.of("checksum", "-q", "-v", dir.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("mrt2: --verbose and --quiet exclude each other"), r.toString());
    }

    @Test
    void quietDropsProgress() {
        CliRun r = CliRun.of("-q", "synth", "--preset", "tiny", "--out", dir.resolve("q.safetensors").toString());
        assertEquals(0, r.code());
        assertEquals("", r.err());
    }

    @Test
    void failuresMapToTheirExitCodes() {
        assertEquals(ExitCodes.INTERNAL, Failures.code(new NullPointerException()));
        assertEquals(ExitCodes.FAILURE, Failures.code(new UncheckedIOException(new IOException("disk full"))));
        assertEquals(ExitCodes.INTERNAL, Failures.code(new IllegalArgumentException("an internal invariant")),
                "only BadInputException and the readers' exceptions are bad input");
        assertEquals(ExitCodes.BAD_INPUT, Failures.code(new dev.mrt2.io.BadInputException("x.npz: bad member")));
        assertEquals(7, Failures.code(new ExitException(7, "x")));
    }
}
