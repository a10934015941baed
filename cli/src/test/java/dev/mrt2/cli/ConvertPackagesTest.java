package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import dev.mrt2.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrt2 convert} with the Core ML package pieces: progress, --json summary, --decoder-frames, bad input. */
class ConvertPackagesTest {
    @TempDir
    static Path shared;
    static Path tiny;

    @TempDir
    Path dir;

    @BeforeAll
    static void synthTiny() {
        tiny = shared.resolve("tiny.safetensors");
        CliRun r = CliRun.of("synth", "--preset", "tiny", "--seed", "11", "--out", tiny.toString(), "-q");
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void convertsThePackagesWithOneProgressLineEachAndAJsonSummary() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", out.toString(),
                "--only", "temporal,depth,decoder", "--decoder-frames", "4", "--json");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        JsonNode pieces = new ObjectMapper().readTree(r.out()).get("pieces");
        for (String piece : List.of("temporal", "depth", "decoder")) {
            JsonNode p = pieces.get(piece);
            String name = p.get("package").asText();
            assertEquals(sizeOf(out.resolve(name)), p.get("bytes").asLong(), piece);
            assertTrue(p.get("weight_bin_sha256").asText().matches("[0-9a-f]{64}"), piece);
            assertEquals(1, r.errLines().stream().filter(l -> l.startsWith(piece + ": " + name + ", "
                    + p.get("bytes").asLong() + " bytes in ") && l.endsWith(" s")).count(), r.toString());
        }
        JsonNode decoder = new ObjectMapper().readTree(out.resolve("SpectroStreamDecoder_export_metadata.json").toFile());
        assertEquals(4, decoder.get("frames").asInt());
        assertEquals("[1,12,480,4]", decoder.get("outputs").get(0).get("shape").toString());
        assertTrue(Files.isRegularFile(out.resolve("MODELS.md")));
        // `mrt2 inspect` shows the temporal contract: 3 inputs, 1 output, 48 fp16 states in Appendix B order.
        CliRun inspect = CliRun.of("inspect", "--json", out.resolve("MRT2TemporalBody.mlpackage").toString());
        assertEquals(ExitCodes.OK, inspect.code(), inspect.toString());
        JsonNode summary = new ObjectMapper().readTree(inspect.out());
        assertEquals(9, summary.get("specification_version").asInt());
        assertEquals("CoreML8", summary.get("opset").asText());
        assertEquals(List.of("temporal_inputs", "source_encoded", "cache_valid_bias"), names(summary.get("inputs")));
        assertEquals("fp16", summary.get("inputs").get(2).get("dtype").asText());
        assertEquals("[1,1,1,43]", summary.get("inputs").get(2).get("shape").toString());
        assertEquals(List.of("temporal_outputs"), names(summary.get("outputs")));
        assertEquals(Mrt2Keys.cacheNames(12), names(summary.get("states")));
        for (JsonNode state : summary.get("states")) {
            assertEquals("fp16", state.get("dtype").asText());
            assertEquals("[1,41,4,16]", state.get("shape").toString());
        }
        assertTrue(Files.readString(out.resolve("SHA256SUMS")).contains("  MODELS.md\n"), "the manifest covers MODELS.md");
    }

    @Test
    void checkpointWithoutAKeyExits3WithOneLineNamingFileAndKeyAndWritesNoPackage() throws IOException {
        String key = Mrt2Keys.temporal(5, Mrt2Keys.value(Mrt2Keys.CROSS));
        Path partial = dir.resolve("partial.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(tiny)) {
            for (TensorInfo t : f.tensors()) {
                if (!t.name().equals(key)) {
                    w.addFloats(t.name(), t.shape(), f.readFloats(t.name()));
                }
            }
        }
        w.write(partial);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("convert", "--checkpoint", partial.toString(), "--out", out.toString(), "--only", "temporal");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertEquals(List.of("mrt2: partial.safetensors: missing key '" + key + "' (expected [16, 4, 16] F32)"),
                r.errLines(), r.toString());
        assertFalse(Files.exists(out.resolve("MRT2TemporalBody.mlpackage")), "no package is left behind");
    }

    @Test
    void generationCorrectedWritesTheCorrectedPiecesOnly() throws IOException {
        Path out = dir.resolve("corrected");
        CliRun r = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", out.toString(),
                "--generation", "corrected", "--json");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        JsonNode pieces = new ObjectMapper().readTree(r.out()).get("pieces");
        for (String piece : List.of("temporal-carry", "rollout-f16", "rollout-f32", "codebooks")) {
            assertTrue(pieces.has(piece), piece + " in " + pieces.fieldNames());
        }
        for (String piece : List.of("temporal", "depth", "decoder")) {
            assertFalse(pieces.has(piece), piece + " is first generation");
        }
        assertTrue(Files.isDirectory(out.resolve("MRT2TemporalBodyCarry.mlpackage")));
        assertTrue(Files.isDirectory(out.resolve("MRT2DepthBodyRollout.f16.mlpackage")));
        assertFalse(Files.exists(out.resolve("MRT2TemporalBody.mlpackage")));
    }

    @Test
    void generationIsCheckedAndExcludesOnly() {
        CliRun unknown = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", dir.resolve("o").toString(),
                "--generation", "second");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown.toString());
        assertTrue(unknown.errLines().get(0).startsWith("mrt2: --generation: unknown generation 'second'"),
                unknown.toString());
        CliRun both = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", dir.resolve("o").toString(),
                "--generation", "first", "--only", "temporal");
        assertEquals(ExitCodes.USAGE, both.code(), both.toString());
        assertFalse(Files.exists(dir.resolve("o")), "nothing converted");
    }

    @Test
    void decoderNeedsAtLeastTwoFrames() {
        CliRun r = CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", dir.resolve("o").toString(),
                "--only", "decoder", "--decoder-frames", "1");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("mrt2: --decoder-frames: 1 leaves no output"), r.toString());
    }

    private static List<String> names(JsonNode features) {
        List<String> names = new java.util.ArrayList<>();
        features.forEach(f -> names.add(f.get("name").asText()));
        return names;
    }

    private static long sizeOf(Path pkg) throws IOException {
        try (Stream<Path> walk = Files.walk(pkg)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
