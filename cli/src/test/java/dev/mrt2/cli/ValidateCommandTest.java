package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrt2 fixtures generate} and {@code mrt2 validate}: exit codes, the one error line, the JSON document. */
class ValidateCommandTest {
    @TempDir
    static Path tmp;
    static Path checkpoint;
    static Path models;
    static Path fixtures;

    @BeforeAll
    static void prepare() {
        checkpoint = tmp.resolve("tiny.safetensors");
        models = tmp.resolve("models");
        fixtures = tmp.resolve("fixtures");
        assertEquals(0, CliRun.of("-q", "synth", "--preset", "tiny", "--seed", "3", "--out", checkpoint.toString()).code());
        CliRun convert = CliRun.of("-q", "convert", "--checkpoint", checkpoint.toString(), "--out", models.toString(),
                "--only", "decoder", "--decoder-frames", "2");
        assertEquals(0, convert.code(), convert::toString);
        CliRun gen = CliRun.of("-q", "fixtures", "generate", "--checkpoint", checkpoint.toString(), "--out",
                fixtures.toString(), "--steps", "42", "--frames", "1", "--decoder-frames", "2");
        assertEquals(0, gen.code(), gen::toString);
    }

    @Test
    void skipReferenceValidatesAgainstStoredFixturesAndPrintsOneJsonDocument() throws Exception {
        Path out = tmp.resolve("receipts");
        CliRun run = CliRun.of("-q", "validate", "--models", models.toString(), "--skip-reference", "--fixtures",
                fixtures.toString(), "--out", out.toString(), "--json");
        assertEquals(0, run.code(), run::toString);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertTrue(doc.get("passed").asBoolean());
        assertEquals(List.of("SpectroStreamDecoder_validation.json", "SpectroStreamDecoder_validation.md"),
                new ObjectMapper().convertValue(doc.get("receipts"), List.class));
        assertTrue(doc.at("/artifacts/SpectroStreamDecoder/results/decoder/snr_db").asDouble() >= 100);
        assertTrue(Files.exists(out.resolve("SpectroStreamDecoder_validation.md")));
    }

    @Test
    void aFailedGateExitsOneAndNamesTheFigureOnTheLastLine() {
        CliRun run = CliRun.of("-q", "validate", "--models", models.toString(), "--checkpoint", checkpoint.toString(),
                "--out", tmp.resolve("strict").toString(), "--min-decoder-snr-db", "1000");
        assertEquals(1, run.code(), run::toString);
        List<String> err = run.errLines();
        String last = err.get(err.size() - 1);
        assertTrue(last.startsWith("mrt2: 1 gate(s) failed; first: SpectroStreamDecoder: decoder.snr_db = "), last);
        assertTrue(last.endsWith("(required >= 1000.0): FAILED"), last);
    }

    @Test
    void usageAndInputErrors() {
        CliRun noFixtures = CliRun.of("validate", "--models", models.toString(), "--skip-reference");
        assertEquals(2, noFixtures.code(), noFixtures::toString);
        assertTrue(noFixtures.err().contains("--skip-reference needs --fixtures DIR"));
        CliRun fewSteps = CliRun.of("validate", "--models", models.toString(), "--checkpoint", checkpoint.toString(),
                "--steps", "10");
        assertEquals(2, fewSteps.code(), fewSteps::toString);
        Path empty = tmp.resolve("nothing");
        CliRun noPackages = CliRun.of("-q", "validate", "--models", empty.toString(), "--checkpoint",
                checkpoint.toString());
        assertEquals(3, noPackages.code(), noPackages::toString);
        assertEquals(List.of("mrt2: " + empty + ": no such folder"), noPackages.errLines());
        CliRun badFixtures = CliRun.of("-q", "validate", "--models", models.toString(), "--skip-reference",
                "--fixtures", empty.toString());
        assertEquals(3, badFixtures.code(), badFixtures::toString);
        assertTrue(badFixtures.err().startsWith("mrt2: " + empty.resolve("reference_fixtures.json")), badFixtures.err());
    }
}
