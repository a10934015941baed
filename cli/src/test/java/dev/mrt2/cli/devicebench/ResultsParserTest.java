package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.cli.devicebench.BenchResults.ModelRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsParserTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheRecordedIphoneResults() {
        BenchResults r = ResultsParser.parse(Fixtures.file("results-iphone-ok.json"));
        assertEquals("iOS", r.runner().platform());
        assertEquals("iPhone16,2", r.runner().hardwareModel());
        assertEquals(List.of("MRT2DepthBody", "MRT2TemporalBody", "SpectroStreamDecoder"), r.request().models());
        assertEquals(List.of("cpuAndNeuralEngine", "cpuAndGPU"), r.request().computeUnits());
        assertEquals(5, r.request().frames());
        assertEquals(2, r.request().warmups());
        assertEquals(2, r.request().repeats());
        assertEquals("0", r.request().seed());
        assertEquals(6, r.runs().size());
        ModelRun temporal = r.runs().get(2);
        assertEquals("MRT2TemporalBody", temporal.model());
        assertEquals("temporal", temporal.kind());
        assertEquals("cpuAndNeuralEngine", temporal.computeUnits());
        assertTrue(temporal.ok());
        assertEquals(2851.25, temporal.loadMs());
        assertEquals(10, temporal.latenciesMs().size());
        assertEquals(41.2, temporal.latenciesMs().get(4));
        assertEquals(697L, temporal.computePlan().ops().get("neural_engine"));
        assertEquals(310L, temporal.computePlan().ops().get("none"));
        assertEquals(0.704, temporal.computePlan().cost().get("neural_engine"));
        assertEquals(1024L * 14, temporal.outputs().valuesChecked(), "[1,1,1024] x (2 warm-ups + 5 calls) x 2");
        assertNull(temporal.outputs().firstNonFinite());
    }

    @Test
    void readsAFailedRunAndAnUnavailableComputePlan() {
        ModelRun failed = ResultsParser.parse(Fixtures.file("results-iphone-failed-run.json")).runs().get(2);
        assertFalse(failed.ok());
        assertTrue(failed.error().startsWith("prediction failed"));
        assertNull(failed.loadMs());
        assertTrue(failed.latenciesMs().isEmpty());
        assertFalse(failed.computePlan().available());
        assertEquals("MLComputePlan needs iOS 17.4 or macOS 14.4", failed.computePlan().reason());
    }

    @Test
    void readsTheFirstNonFiniteOutput() {
        ModelRun decoder = ResultsParser.parse(Fixtures.file("results-iphone-nonfinite.json")).runs().get(5);
        assertEquals(36864, decoder.outputs().nonFiniteValues());
        assertEquals("decoder_stft", decoder.outputs().firstNonFinite().output());
        assertEquals(0, decoder.outputs().firstNonFinite().call());
        assertTrue(decoder.outputs().firstNonFinite().warmup());
    }

    @Test
    void seedIsUnsigned64Bit() {
        BenchResults mac = ResultsParser.parse(Fixtures.file("results-mac-ok.json"));
        assertEquals("18446744073709551615", mac.request().seed());
        assertEquals("macOS", mac.runner().platform());
    }

    @Test
    void readsWhatTheSwiftRunnerWrites() {
        // Written by device-runner's ResultsDocument (BenchCore) itself: the two sides agree on the format.
        BenchResults r = ResultsParser.parse(Fixtures.file("results-written-by-benchcore.json"));
        assertEquals("18446744073709551615", r.request().seed());
        assertEquals(List.of("cpuAndNeuralEngine", "cpuOnly"), r.request().computeUnits());
        ModelRun ok = r.runs().get(0);
        assertEquals(List.of(14.123, 13.9, 41.0), ok.latenciesMs(), "rounded to microseconds by the runner");
        assertEquals(812.123, ok.loadMs());
        assertEquals(5, ok.outputs().nonFiniteValues());
        assertEquals(3, ok.outputs().firstNonFinite().call());
        assertEquals(1L, ok.computePlan().ops().get("none"));
        ModelRun failed = r.runs().get(1);
        assertFalse(failed.ok());
        assertEquals("load failed: x", failed.error());
        assertNull(failed.loadMs());
    }

    @Test
    void rejectsAnotherSchema() throws IOException {
        Path f = edited("\"mrt2-device-bench-results-v1\"", "\"mrt2-device-bench-results-v0\"");
        assertError(f, "schema: expected 'mrt2-device-bench-results-v1', found 'mrt2-device-bench-results-v0'");
    }

    @Test
    void rejectsANegativeLatencyNamingItsPath() throws IOException {
        Path f = edited("3.52,", "-3.52,");
        assertError(f, "runs[0].latencies_ms[3]: expected a finite number >= 0");
    }

    @Test
    void rejectsAMissingField() throws IOException {
        Path f = edited("\"load_ms\": 412.5,", "");
        assertError(f, "runs[0].load_ms: missing");
    }

    @Test
    void rejectsNonFiniteCountWithoutLocation() throws IOException {
        Path f = edited("\"non_finite_values\": 0,\n        \"values_checked\": 2065392",
                "\"non_finite_values\": 3,\n        \"values_checked\": 2065392");
        assertError(f, "runs[0].outputs.first_non_finite: must be set exactly when non_finite_values > 0");
    }

    @Test
    void rejectsDuplicateKeys() throws IOException {
        Path f = edited("\"schema\": \"mrt2-device-bench-results-v1\"",
                "\"schema\": \"mrt2-device-bench-results-v1\", \"schema\": \"x\"");
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> ResultsParser.parse(f));
        assertTrue(e.getMessage().contains("not valid JSON (Duplicate field 'schema'"), e.getMessage());
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] all = Files.readAllBytes(Fixtures.file("results-iphone-ok.json"));
        for (int cut = 0; cut < all.length - 2; cut += 97) {
            Path f = tmp.resolve("cut.json");
            Files.write(f, java.util.Arrays.copyOf(all, cut));
            DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> ResultsParser.parse(f),
                    "cut at " + cut);
            assertEquals(DeviceBenchException.Kind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        }
    }

    private Path edited(String from, String to) throws IOException {
        String text = Files.readString(Fixtures.file("results-iphone-ok.json"));
        assertTrue(text.contains(from), "fixture contains " + from);
        Path f = tmp.resolve("edited.json");
        Files.writeString(f, text.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
        return f;
    }

    private static void assertError(Path file, String expected) {
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> ResultsParser.parse(file));
        assertEquals(DeviceBenchException.Kind.BAD_INPUT, e.kind());
        assertEquals(file + ": " + expected, e.getMessage());
    }
}
