package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI recipe on the tiny checkpoint, through the CLI: convert, fixtures generate in both formats, checksum, then
 * {@code validate --skip-reference} against each exits 0 with the figures of {@code validate --checkpoint}; fixtures
 * of another checkpoint stop up front; a damaged artifact fails its figure; an uncovered package is listed and
 * {@code --strict} fails it.
 */
class ValidateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Options every reference of this test shares: 64 steps (the published stream), 2 frames, 2-frame decoder. */
    private static final List<String> INPUTS = List.of("--frames", "2");

    @TempDir
    static Path tmp;
    static Path checkpoint;
    static Path models;
    static Path fixtures;
    static Path seedFormat;

    @BeforeAll
    static void prepare() {
        checkpoint = tmp.resolve("tiny.safetensors");
        models = tmp.resolve("artifacts");
        fixtures = tmp.resolve("fixtures");
        seedFormat = tmp.resolve("seed-format");
        ok("-q", "synth", "--preset", "tiny", "--seed", "3", "--out", checkpoint.toString());
        ok("-q", "convert", "--checkpoint", checkpoint.toString(), "--out", models.toString(), "--decoder-frames", "2");
        ok(args("-q", "fixtures", "generate", "--checkpoint", checkpoint.toString(), "--out", fixtures.toString(),
                "--decoder-frames", "2"));
        ok(args("-q", "fixtures", "generate", "--checkpoint", checkpoint.toString(), "--out", seedFormat.toString(),
                "--format", "seed"));
        ok("-q", "checksum", fixtures.toString());
        ok("-q", "checksum", "--verify", models.resolve("SHA256SUMS").toString());
    }

    @Test
    void skipReferenceOnBothFormatsGivesTheCheckpointsFiguresAndExitsZero() throws IOException {
        JsonNode live = json(run(args("-q", "validate", "--models", models.toString(), "--checkpoint",
                checkpoint.toString(), "--strict", "--json", "--out", tmp.resolve("r_live").toString())), 0);
        JsonNode stored = json(run(args("-q", "validate", "--models", models.toString(), "--skip-reference",
                "--fixtures", fixtures.toString(), "--strict", "--json", "--out", tmp.resolve("r_fx").toString())), 0);
        JsonNode seed = json(run(args("-q", "validate", "--models", models.toString(), "--skip-reference",
                "--fixtures", seedFormat.toString(), "--json", "--out", tmp.resolve("r_seed").toString())), 0);
        assertTrue(live.get("passed").asBoolean() && stored.get("passed").asBoolean() && seed.get("passed").asBoolean());
        assertEquals(live.get("fixture_comparisons"), stored.get("fixture_comparisons"));
        List<JsonNode> published = new ArrayList<>();
        Set<String> names = Set.of("temporal_streaming_carry_64.npz", "reference_temporal_unrolled.npz");
        live.get("fixture_comparisons").forEach(r -> {
            if (names.contains(r.get("fixture").asText())) {
                published.add(r);
            }
        });
        assertEquals(7, published.size(), "2 temporal packages x 2 cases, depth x 3");
        assertEquals(published, list(seed.get("fixture_comparisons")));
        JsonNode row = seed.get("fixture_comparisons").get(0);
        for (String key : List.of("fixture", "array", "package", "temporal_source", "correlation", "max_abs_error",
                "mean_abs_error", "snr_db", "finite_ratio", "token_mismatches", "total_tokens")) {
            assertTrue(row.has(key), key + " in " + row);
        }
        assertEquals("reference_temporal_unrolled.npz", row.get("fixture").asText());
        assertEquals("depth_logits_mlx", row.get("array").asText());
        // validating wrote nothing into the models folder
        ok("-q", "checksum", "--verify", models.resolve("SHA256SUMS").toString());
    }

    @Test
    void textOutputGivesEveryPackageOneLineAndFiguresWithTwelveDigits() {
        CliRun run = run("-q", "validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                seedFormat.toString(), "--out", tmp.resolve("r_text").toString());
        assertEquals(0, run.code(), run::toString);
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("temporal_streaming_carry_64\\.npz reference_outputs vs "
                + "MRT2TemporalBody: correlation 0\\.\\d{12}, max abs error .*")), run::toString);
        assertTrue(lines.contains("MRT2TemporalBody: passed (6 gates)"), run::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SpectroStreamDecoder: not covered by this reference "
                + "(decoder.npz would cover the decoder")), run::toString);
        assertEquals("receipts: " + tmp.resolve("r_text") + " (18 files)", lines.get(lines.size() - 1));
    }

    @Test
    void strictFailsUncoveredPackagesAndNamesThem() {
        CliRun run = run("-q", "validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                seedFormat.toString(), "--strict", "--out", tmp.resolve("r_strict").toString());
        assertEquals(1, run.code(), run::toString);
        assertEquals(List.of("mrt2: --strict: 5 artifact(s) not covered by fixtures seed-format: "
                + "MRT2DepthBodyRollout.f16, MRT2DepthBodyRollout.f32, SpectroStreamDecoder.f16, SpectroStreamDecoder, "
                + "SpectroStreamRVQCodebooks.f32"), run.errLines());
    }

    @Test
    void fixturesOfAnotherCheckpointStopUpFrontNamingBothDigests() {
        Path other = tmp.resolve("other.safetensors");
        Path otherFixtures = tmp.resolve("other-fixtures");
        ok("-q", "synth", "--preset", "tiny", "--seed", "4", "--out", other.toString());
        ok("-q", "fixtures", "generate", "--checkpoint", other.toString(), "--out", otherFixtures.toString(),
                "--format", "seed", "--frames", "2");
        CliRun run = run("-q", "validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                otherFixtures.toString(), "--out", tmp.resolve("r_other").toString());
        assertEquals(3, run.code(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        String line = run.errLines().get(0);
        assertTrue(line.startsWith("mrt2: ") && line.contains("sha256 " + sha(checkpoint))
                && line.contains("sha256 " + sha(other)), line);
        assertFalse(Files.exists(tmp.resolve("r_other")), "stopped before any receipt");
    }

    @Test
    void aDamagedArtifactFailsTheNamedFigure() throws IOException {
        Path damaged = tmp.resolve("damaged");
        Files.createDirectories(damaged);
        for (String f : List.of("SpectroStreamRVQCodebooks.f32.bin", "SpectroStreamRVQCodebooks.f32.json")) {
            Files.copy(models.resolve(f), damaged.resolve(f));
        }
        Path bin = damaged.resolve("SpectroStreamRVQCodebooks.f32.bin");
        byte[] bytes = Files.readAllBytes(bin);
        bytes[7] ^= 0x40;
        Files.write(bin, bytes);
        CliRun run = run("-q", "validate", "--models", damaged.toString(), "--skip-reference", "--fixtures",
                fixtures.toString());
        assertEquals(1, run.code(), run::toString);
        assertEquals(List.of("mrt2: 1 gate(s) failed; first: SpectroStreamRVQCodebooks.f32: codebooks.sha256_match = 0 "
                + "(required == 1; reference_fixtures.json): FAILED"), run.errLines());
        assertTrue(run.out().contains("SpectroStreamRVQCodebooks.f32: FAILED: codebooks.sha256_match = 0"), run::toString);
        assertTrue(Files.exists(tmp.resolve("validation").resolve("damaged")
                .resolve("SpectroStreamRVQCodebooks.f32_validation.json")), "default receipts: validation/<models>");
    }

    @Test
    void publishedFixturesOfAnotherModelSizeCoverNothingAndDoNotPass() {
        CliRun run = run("-q", "validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                Path.of(System.getProperty("mrt2.shared.dir"), "seed-fixtures").toString(), "--out",
                tmp.resolve("r_published").toString());
        assertEquals(1, run.code(), run::toString);
        assertEquals(List.of("mrt2: nothing was compared: no artifact is covered by fixtures seed-fixtures"),
                run.errLines());
        assertTrue(run.out().contains("temporal_streaming_carry_64.npz has temporal_inputs of width 1024"),
                run::toString);
    }

    /**
     * A decoder_stft one row short (the probe's case: exit 4 with half the receipts rewritten and an old summary
     * saying "passed" left beside them): exit 3, one line naming the file and the member, and --out as it was.
     */
    @Test
    void aDamagedFixtureExitsThreeNamingTheMemberAndLeavesTheReceiptsAsTheyWere() throws IOException {
        Path out = tmp.resolve("r_kept");
        ok(args("-q", "validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                seedFormat.toString(), "--out", out.toString()));
        assertTrue(Files.exists(out.resolve("validation_summary.json")), out::toString);

        Path bad = tmp.resolve("fixtures-short-stft");
        TestFiles.copyTree(fixtures, bad);
        java.util.Map<String, dev.mrt2.tensor.NdArray> npz = new java.util.TreeMap<>(
                dev.mrt2.tensor.Npz.read(bad.resolve("decoder.npz")));
        dev.mrt2.tensor.NdArray stft = npz.get("decoder_stft");
        npz.put("decoder_stft", dev.mrt2.tensor.NdArray.f32(new int[] {1, 3, 480, 4},
                java.util.Arrays.copyOf(stft.floats(), 3 * 480 * 4)));
        dev.mrt2.tensor.Npz.write(bad.resolve("decoder.npz"), npz);
        FolderSnapshot before = FolderSnapshot.of(out);
        for (String mode : List.of("text", "json")) {
            List<String> a = new ArrayList<>(List.of("-q", "validate", "--models", models.toString(),
                    "--skip-reference", "--fixtures", bad.toString(), "--out", out.toString()));
            if (mode.equals("json")) {
                a.add("--json");
            }
            CliRun run = run(a);
            assertEquals(3, run.code(), run::toString);
            assertEquals(List.of("mrt2: " + bad.resolve("decoder.npz") + ": member 'decoder_stft.npy': is "
                    + "f32[1, 3, 480, 4], expected f32[1, 4, 480, 4] (axis 1 is 4 T - 4 with token frames T of this "
                    + "file = 2, as 2 other members say)"), run.errLines());
            assertEquals("", FolderSnapshot.of(out).changesSince(before), run::toString);
        }
    }

    @Test
    void usageAndInputErrors() throws IOException {
        CliRun noFixtures = run("validate", "--models", models.toString(), "--skip-reference");
        assertEquals(2, noFixtures.code(), noFixtures::toString);
        assertTrue(noFixtures.err().contains("--skip-reference needs --fixtures DIR"));
        CliRun noReference = run("validate", "--models", models.toString());
        assertEquals(2, noReference.code(), noReference::toString);
        assertTrue(noReference.err().contains("--checkpoint FILE or --fixtures DIR is required"));
        CliRun fewSteps = run("validate", "--models", models.toString(), "--checkpoint", checkpoint.toString(),
                "--steps", "10");
        assertEquals(2, fewSteps.code(), fewSteps::toString);
        CliRun seedSteps = run("fixtures", "generate", "--checkpoint", checkpoint.toString(), "--out",
                tmp.resolve("x").toString(), "--format", "seed", "--steps", "42");
        assertEquals(2, seedSteps.code(), seedSteps::toString);
        CliRun badFormat = run("fixtures", "generate", "--checkpoint", checkpoint.toString(), "--out",
                tmp.resolve("x").toString(), "--format", "npz");
        assertEquals(2, badFormat.code(), badFormat::toString);

        Path empty = tmp.resolve("nothing");
        CliRun noPackages = run("-q", "validate", "--models", empty.toString(), "--checkpoint", checkpoint.toString());
        assertEquals(3, noPackages.code(), noPackages::toString);
        assertEquals(List.of("mrt2: " + empty + ": no such folder"), noPackages.errLines());
        Path missing = tmp.resolve("missing.safetensors");
        Path truncated = Files.write(tmp.resolve("truncated.safetensors"),
                java.util.Arrays.copyOf(Files.readAllBytes(checkpoint), 1000));
        for (String command : List.of("validate", "fixtures")) {
            for (Path bad : List.of(missing, truncated)) {
                Path out = tmp.resolve("receipts-of-" + command + "-" + bad.getFileName());
                List<String> args = command.equals("validate")
                        ? List.of("validate", "--models", models.toString(), "--checkpoint", bad.toString(), "--out",
                                out.toString())
                        : List.of("fixtures", "generate", "--checkpoint", bad.toString(), "--out", out.toString());
                CliRun badCheckpoint = run(args.toArray(String[]::new));
                assertEquals(3, badCheckpoint.code(), badCheckpoint::toString);
                assertEquals(1, badCheckpoint.errLines().size(), badCheckpoint::toString);
                assertTrue(badCheckpoint.err().startsWith("mrt2: " + bad.getFileName()) || badCheckpoint.err()
                        .startsWith("mrt2: " + bad), badCheckpoint::toString);
                assertFalse(Files.exists(out), out + " written for a bad checkpoint");
            }
        }
        Path emptyFixtures = Files.createDirectories(tmp.resolve("empty-fixtures"));
        CliRun badFixtures = run("-q", "validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                emptyFixtures.toString());
        assertEquals(3, badFixtures.code(), badFixtures::toString);
        assertTrue(badFixtures.err().startsWith("mrt2: " + emptyFixtures + ": no fixture file recognised"),
                badFixtures.err());
    }

    @Test
    void fixturesGenerateRefusesAnUnwritableFolderBeforeComputing() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        CliRun run = run("fixtures", "generate", "--checkpoint", checkpoint.toString(), "--out",
                file.resolve("fx").toString());
        assertEquals(1, run.code(), run::toString);
        assertEquals(1, run.errLines().size(), "no reference progress before the error: " + run.err());
        assertTrue(run.errLines().get(0).startsWith("mrt2: " + file.resolve("fx") + ": cannot write: " + file + " is not a directory"),
                run::toString);
    }

    @Test
    void defaultReceiptsLandPerModelsFolder() {
        Path a = Path.of("/data/run/artifacts");
        Path b = Path.of("/data/run/artifacts-f16");
        assertEquals(Path.of("/data/run/validation/artifacts"), ValidateCommand.defaultReceipts(a));
        assertEquals(Path.of("/data/run/validation/artifacts-f16"), ValidateCommand.defaultReceipts(b));
    }

    private static List<String> args(String... head) {
        List<String> out = new ArrayList<>(List.of(head));
        out.addAll(INPUTS);
        return out;
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static void ok(List<String> args) {
        CliRun r = run(args);
        assertEquals(0, r.code(), r::toString);
    }

    private static void ok(String... args) {
        ok(List.of(args));
    }

    private static JsonNode json(CliRun run, int code) throws IOException {
        assertEquals(code, run.code(), run::toString);
        return JSON.readTree(run.out());
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String sha(Path file) {
        return dev.mrt2.mil.pkg.Digests.sha256(file);
    }
}
