package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import dev.mrt2.validate.FixtureComparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code device-bench --fixtures} against the stand-in xcrun and the recorded results of
 * {@code fixtures/device-bench/make-fixture-files.py}: the runner gets the device fixture and its path, the CLI
 * judges what it returns with {@code mrt2 validate}'s stream comparison, per model and compute units.
 */
class FixtureBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MANIFEST = "temporal_streaming_carry_42_device_fixture.json";

    @TempDir
    Path tmp;

    private final StringWriter progress = new StringWriter();

    private BenchSettings mac(Path runner) throws IOException {
        Path models = Files.createDirectories(tmp.resolve("fixture-models"));
        for (String name : List.of("MRT2TemporalBodyCarry", "MRT2TemporalBody")) {
            Files.createDirectories(models.resolve(name + ".mlpackage"));
        }
        return new BenchSettings(null, models, List.of(ComputeUnits.CPU_ONLY, ComputeUnits.CPU_AND_NEURAL_ENGINE), 5,
                1, 1, 0L, runner, true, Duration.ofSeconds(30), null, BenchSettings.DEFAULT_BUNDLE_ID,
                tmp.resolve("device-runner"), tmp.resolve("out"), Fixtures.file("fixture-tiny"));
    }

    private DeviceBench bench(StandInXcrun xcrun, String results) {
        CommandRunner runner = new ProcessCommandRunner(xcrun.env("success", Fixtures.file(results)));
        return new DeviceBench(runner, new PrintWriter(progress, true), 2, Duration.ZERO);
    }

    @Test
    void theRunnerGetsTheFixtureAndEveryTemporalRunIsJudgedPerComputeUnits() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        BenchSettings s = mac(null);
        BenchReport report = bench(xcrun, "results-mac-fixture-ok.json").run(s);

        List<String> runner = xcrun.calls().get(xcrun.calls().size() - 1);
        Path manifest = tmp.resolve("out/work/fixture").resolve(MANIFEST);
        assertEquals(List.of("--fixture", manifest.toString()), runner.subList(runner.size() - 2, runner.size()));
        for (String f : List.of(MANIFEST, "temporal_streaming_carry_42_reference_outputs_f32.bin",
                "temporal_streaming_carry_42_source_encoded_f32.bin",
                "temporal_streaming_carry_42_temporal_inputs_f32.bin")) {
            assertArrayEquals(Files.readAllBytes(Fixtures.file("fixture-tiny").resolve(f)),
                    Files.readAllBytes(manifest.resolveSibling(f)), f + ": the port's layout, byte for byte");
        }

        FixtureReport f = report.fixture();
        assertEquals(MANIFEST, f.fixture());
        assertEquals(42, f.steps());
        assertEquals(List.of("MRT2TemporalBody/cpuOnly", "MRT2TemporalBody/cpuAndNeuralEngine",
                "MRT2TemporalBodyCarry/cpuOnly", "MRT2TemporalBodyCarry/cpuAndNeuralEngine"),
                f.comparisons().stream().map(c -> c.packageName() + "/" + c.computeUnits()).toList());
        for (FixtureComparison c : f.comparisons()) {
            // outputs = reference + 0.001 (-1)^k, so every |error| is 0.001 up to float32 rounding
            assertEquals(0.001, c.maxAbsError(), 1e-6);
            assertEquals(0.001, c.meanAbsError(), 1e-6);
            assertTrue(c.correlation() > 0.9999, c::line);
            assertEquals(42, c.perStep().size());
        }
        assertEquals(12, f.gates().size(), "finite ratio, correlation, max abs error per run");
        assertTrue(f.failedGates().isEmpty(), f.failedGates()::toString);

        JsonNode receipt = JSON.readTree(tmp.resolve("out/device_bench.json").toFile());
        assertEquals(4, receipt.get("fixture_comparisons").size());
        assertEquals("cpuAndNeuralEngine", receipt.at("/fixture_comparisons/1/compute_units").asText());
        assertEquals("reference_outputs", receipt.at("/fixture_comparisons/1/array").asText());
        assertEquals(0, receipt.at("/verdict/fixture_gates_failed").asInt());
        assertTrue(receipt.at("/verdict/passed").asBoolean());
        assertEquals(MANIFEST, receipt.at("/settings/fixture").asText());
        String md = Files.readString(tmp.resolve("out/device_bench.md"));
        assertTrue(md.contains("- " + MANIFEST + " reference_outputs vs MRT2TemporalBodyCarry [cpuAndNeuralEngine]: "
                + "correlation 0.99999"), md);
    }

    @Test
    void aDeviceThatComputesSomethingElseFailsTheStreamGateAfterWritingReceipts() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> bench(xcrun, "results-mac-fixture-mismatch.json").run(mac(null)));
        assertEquals(Kind.FIXTURE_MISMATCH, e.kind());
        assertTrue(e.getMessage().startsWith("2 fixture gate(s) failed; first: MRT2TemporalBodyCarry "
                + "(cpuAndNeuralEngine): stream.correlation = "), e.getMessage());
        JsonNode receipt = JSON.readTree(tmp.resolve("out/device_bench.json").toFile());
        assertFalse(receipt.at("/verdict/passed").asBoolean());
        assertEquals(2, receipt.at("/verdict/fixture_gates_failed").asInt());
        assertEquals(e.report().fixture().comparisons().get(3).correlation(),
                receipt.at("/fixture_comparisons/3/correlation").asDouble());
    }

    @Test
    void onAPhoneTheFixtureIsCopiedBeforeTheLaunchThatNamesIt() throws IOException {
        BenchSettings s = TestBench.phone(tmp, "Test iPhone", null, Duration.ofSeconds(60))
                .withFixtures(Fixtures.file("fixture-tiny"));
        BenchPlan plan = DeviceBench.plan(s);
        List<PlanStep> copies = plan.stepsOf(PlanStep.Kind.COPY_FIXTURE);
        assertEquals(4, copies.size());
        assertEquals(MANIFEST, copies.get(0).subject());
        List<String> first = copies.get(0).argv();
        assertEquals("Documents/mrt2-bench/fixture/" + MANIFEST, first.get(first.size() - 1));
        assertEquals(tmp.resolve("out/work/fixture").resolve(MANIFEST).toString(), first.get(first.size() - 3));
        assertEquals(List.of("--fixture", "mrt2-bench/fixture/" + MANIFEST),
                plan.appArguments().subList(plan.appArguments().size() - 2, plan.appArguments().size()));
        int launch = plan.steps().indexOf(plan.stepsOf(PlanStep.Kind.LAUNCH).get(0));
        assertTrue(plan.steps().indexOf(copies.get(3)) < launch);
    }

    @Test
    void thePublishedSetFeedsTheRunnerInItsOwnDeviceFixtureFormat() throws IOException {
        Path seed = Path.of(System.getProperty("mrt2.shared.dir"), "seed-fixtures");
        FixtureBench f = FixtureBench.read(seed);
        assertEquals(64, f.steps());
        assertEquals("temporal_streaming_carry_64_device_fixture.json", f.manifestName());
        Path out = f.write(tmp.resolve("written"));
        for (String name : f.fileNames()) {
            assertArrayEquals(Files.readAllBytes(seed.resolve(name)), Files.readAllBytes(out.resolveSibling(name)),
                    name + ": read from the npz, written back, identical to the port's file");
        }
    }

    @Test
    void aFolderWithoutAStreamingCaseIsBadInput() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tokens-only"));
        Files.copy(Path.of(System.getProperty("mrt2.shared.dir"), "seed-fixtures", "generated_tokens_unique.npy"),
                dir.resolve("generated_tokens_unique.npy"));
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> FixtureBench.read(dir));
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith("--fixtures: " + dir + " holds no streaming fixture"), e.getMessage());
    }

    @Test
    void fixtureRunsAreParsedStrictly() throws IOException {
        String ok = Files.readString(Fixtures.file("results-mac-fixture-ok.json"));
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, ok.replaceFirst("\"shape\": \\[\\s*42,", "\"shape\": [41,"));
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> ResultsParser.parse(bad));
        assertTrue(e.getMessage().startsWith(bad + ": runs[0].fixture_run.temporal_outputs: shape [41,8] does not "
                + "match 1344 bytes of float32"), e.getMessage());
        Files.writeString(bad, ok.replaceFirst("\"base64\": \"", "\"base64\": \"!"));
        assertTrue(assertThrows(DeviceBenchException.class, () -> ResultsParser.parse(bad)).getMessage()
                .contains("runs[0].fixture_run.temporal_outputs.base64: not base64"));
        BenchResults parsed = ResultsParser.parse(Fixtures.file("results-mac-ok.json"));
        assertEquals(null, parsed.request().fixture(), "results without the fields still parse");
        assertEquals(null, parsed.runs().get(0).fixtureRun());
    }
}
