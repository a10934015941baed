package dev.mrt2.cli;

import dev.mrt2.mil.pkg.Digests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smaller promises of the CLI: outputs checked before the work with the operating system's reason, one JSON error
 * document with --json, a readable convert summary, help for subcommands, checksum's '-' and './'.
 */
class CommandOutputsTest {
    @TempDir
    static Path shared;
    static Path tiny;
    static Path models;

    @TempDir
    Path dir;

    @BeforeAll
    static void tinyConversion() {
        tiny = shared.resolve("tiny.safetensors");
        assertEquals(0, CliRun.of("synth", "--out", tiny.toString(), "-q").code());
        models = shared.resolve("models");
        assertEquals(0, CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", models.toString(), "--only",
                "depth,codebooks", "-q").code());
    }

    @Test
    void convertPrintsOneReadableLinePerPieceAndTheManifest() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", out.toString(), "--only",
                "depth,codebooks");
        assertEquals(0, r.code(), r.toString());
        long pkg = Files.size(out.resolve("MRT2DepthBody.mlpackage/Manifest.json"))
                + Files.size(out.resolve("MRT2DepthBody.mlpackage/Data/com.apple.CoreML/model.mlmodel"))
                + Files.size(out.resolve("MRT2DepthBody.mlpackage/Data/com.apple.CoreML/weights/weight.bin"));
        assertEquals(List.of(
                "depth      MRT2DepthBody.mlpackage (" + pkg + " bytes), MRT2DepthBody_export_metadata.json ("
                        + Files.size(out.resolve("MRT2DepthBody_export_metadata.json")) + " bytes)",
                "codebooks  SpectroStreamRVQCodebooks.f32.bin (24576 bytes), SpectroStreamRVQCodebooks.f32.json ("
                        + Files.size(out.resolve("SpectroStreamRVQCodebooks.f32.json")) + " bytes)",
                out + ": 2 piece(s); SHA256SUMS and MODELS.md list 7 files"), r.out().lines().toList());
    }

    @Test
    void convertWarnsOnceAboutWhatItFoundButDidNotWrite() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.copy(tiny, out.resolve("tiny.safetensors"));
        CliRun r = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", out.toString(), "--only", "codebooks");
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("warning: " + out + " also holds tiny.safetensors; not written by this run, not listed "
                + "in SHA256SUMS"), r.errLines().stream().filter(l -> l.startsWith("warning")).toList());
        assertFalse(Files.readString(out.resolve("SHA256SUMS")).contains("tiny.safetensors"));
    }

    @Test
    void anOutputThatCannotBeWrittenIsExitOneWithTheTrueReasonBeforeAnyWork() throws IOException {
        Path afile = Files.writeString(dir.resolve("afile"), "x");
        CliRun convert = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", afile.toString());
        assertEquals(ExitCodes.FAILURE, convert.code(), convert.toString());
        assertEquals(List.of("mrt2: " + afile + ": exists and is not a directory"), convert.errLines());

        Path in = dir.resolve("in.npz");
        Npz.write(in, Map.of("depth_inputs", NdArray.f32(new int[] {1, 12, 64}, new float[12 * 64])));
        String pkg = models.resolve("MRT2DepthBody.mlpackage").toString();
        CliRun folder = CliRun.of("predict", pkg, "--inputs", in.toString(), "--out", dir.toString());
        assertEquals(ExitCodes.FAILURE, folder.code(), folder.toString());
        assertEquals(List.of("mrt2: " + dir + ": is a directory"), folder.errLines());
        CliRun under = CliRun.of("predict", pkg, "--inputs", in.toString(), "--out", afile.resolve("o.npz").toString());
        assertEquals(List.of("mrt2: " + afile.resolve("o.npz") + ": cannot write: " + afile + " is not a directory"),
                under.errLines());
        CliRun synth = CliRun.of("synth", "--out", dir.toString());
        assertEquals(List.of("mrt2: " + dir + ": is a directory"), synth.errLines());
    }

    @Test
    void inspectOfAMissingPackageSaysNoSuchFile() {
        Path missing = dir.resolve("missing.mlpackage");
        CliRun r = CliRun.of("inspect", missing.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(List.of("mrt2: " + missing + ": no such file or directory"), r.errLines());
    }

    @Test
    void withJsonAFailureIsAlsoOneJsonDocumentOnStdout() throws IOException {
        Path absent = dir.resolve("absent.safetensors");
        CliRun r = CliRun.of("convert", "--checkpoint", absent.toString(), "--out", dir.resolve("o").toString(), "--json");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(List.of("mrt2: " + absent + ": no such file"), r.errLines());
        JsonNode error = new ObjectMapper().readTree(r.out()).get("error");
        assertEquals(3, error.get("exit_code").asInt());
        assertEquals("bad_input", error.get("kind").asText());
        assertEquals(absent + ": no such file", error.get("message").asText());

        CliRun usage = CliRun.of("synth", "--json");
        assertEquals(ExitCodes.USAGE, usage.code());
        assertEquals("usage", new ObjectMapper().readTree(usage.out()).get("error").get("kind").asText());

        // a command that printed its result document first adds no second one
        Path art = Files.createDirectories(dir.resolve("art"));
        Files.writeString(art.resolve("a.txt"), "a");
        Path sums = dir.resolve("SUMS");
        Files.writeString(sums, "0".repeat(64) + "  a.txt\n");
        CliRun verify = CliRun.of("checksum", "--verify", sums.toString(), art.toString(), "--json");
        assertEquals(ExitCodes.FAILURE, verify.code());
        JsonNode doc = new ObjectMapper().readTree(verify.out());
        assertFalse(doc.get("ok").asBoolean());
        assertEquals(List.of("a.txt"), List.of(doc.get("changed").get(0).asText()));
    }

    @Test
    void helpReachesSubcommands() {
        CliRun r = CliRun.of("help", "fixtures", "generate");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Usage: mrt2 fixtures generate"), r.out());
        assertTrue(r.out().contains("--checkpoint=FILE"), r.out());
        CliRun unknown = CliRun.of("help", "fixtures", "nope");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertTrue(unknown.errLines().get(0).startsWith("mrt2: unknown command 'nope' under 'mrt2 fixtures'"),
                unknown.toString());
    }

    @Test
    void checksumPrintsToStdoutWithDashAndVerifiesDotSlashNames() throws IOException {
        Path art = Files.createDirectories(dir.resolve("art"));
        Files.writeString(art.resolve("a.txt"), "abc");
        Files.createDirectories(art.resolve("sub"));
        Files.writeString(art.resolve("sub/b.txt"), "def");
        CliRun r = CliRun.of("checksum", art.toString(), "--manifest", "-");
        assertEquals(0, r.code(), r.toString());
        String a = Digests.sha256("abc".getBytes(StandardCharsets.UTF_8));
        String b = Digests.sha256("def".getBytes(StandardCharsets.UTF_8));
        assertEquals(a + "  a.txt\n" + b + "  sub/b.txt\n", r.out());
        assertFalse(Files.exists(art.resolve("SHA256SUMS")) || Files.exists(Path.of("-")), "no file written");

        Path sums = dir.resolve("SUMS");
        Files.writeString(sums, a + "  ./a.txt\n" + b + " *./sub//b.txt\n");   // as sha256sum writes and reads them
        CliRun v = CliRun.of("checksum", "--verify", sums.toString(), art.toString());
        assertEquals(0, v.code(), v.toString());
    }

    @Test
    void checksumReadsLinksInsideTheFolderAsTheirFiles() throws IOException {
        Path art = Files.createDirectories(dir.resolve("art"));
        Files.writeString(art.resolve("a.txt"), "abc");
        Files.createSymbolicLink(art.resolve("link.txt"), art.resolve("a.txt"));
        CliRun r = CliRun.of("checksum", art.toString(), "--manifest", "-");
        assertEquals(0, r.code(), r.toString());
        String a = Digests.sha256("abc".getBytes(StandardCharsets.UTF_8));
        assertEquals(a + "  a.txt\n" + a + "  link.txt\n", r.out());
    }
}
