package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptsTest {

    @TempDir
    Path tmp;

    private BenchReport report(String fixture) {
        Path file = Fixtures.file(fixture);
        BenchResults results = ResultsParser.parse(file);
        List<RunSummary> summaries = results.runs().stream().map(r -> RunSummary.of(r, 40.0)).toList();
        DevicectlDevice phone = DevicectlJson.devices(Fixtures.file("devicectl-list-devices.json")).get(0);
        return Receipts.write(tmp, BenchTarget.device("Test iPhone", phone), results, DeviceBench.sha256(file),
                40.0, summaries);
    }

    @Test
    void jsonReceiptCarriesTheFiguresPerModelAndUnits() throws IOException {
        BenchReport r = report("results-iphone-ok.json");
        JsonNode root = new ObjectMapper().readTree(Files.readString(r.receiptJson()));
        assertEquals(Receipts.SCHEMA, root.get("schema").asText());
        assertEquals("00008130-001A2B3C4D5E6F70", root.at("/target/udid").asText());
        assertEquals(40.0, root.at("/settings/budget_ms").asDouble());
        assertEquals(DeviceBench.sha256(Fixtures.file("results-iphone-ok.json")), root.get("results_sha256").asText());
        JsonNode temporal = root.get("runs").get(2);
        assertEquals("MRT2TemporalBody", temporal.get("model").asText());
        assertEquals(14.0, temporal.get("p50_ms").asDouble());
        assertEquals(14.2, temporal.get("p90_ms").asDouble());
        assertEquals(41.2, temporal.get("p99_ms").asDouble());
        assertEquals(1, temporal.get("calls_over_budget").asInt());
        assertEquals(16.7198, temporal.get("mean_ms").asDouble());
        assertEquals(0.546238, temporal.at("/compute_plan/op_share/neural_engine").asDouble(), "697/1276 rounded");
        assertEquals(0.704, temporal.at("/compute_plan/cost_share/neural_engine").asDouble());
        assertEquals(1.0, temporal.at("/outputs/finite_ratio").asDouble());
        assertTrue(root.at("/verdict/passed").asBoolean());
        assertEquals(1, root.at("/verdict/runs_with_calls_over_budget").asInt());
    }

    @Test
    void jsonKeysAreSortedAndTheFileEndsWithANewline() throws IOException {
        String text = Files.readString(report("results-iphone-ok.json").receiptJson());
        assertTrue(text.endsWith("}\n"));
        assertTrue(!text.contains("\r"));
        assertSorted(new ObjectMapper().readTree(text), "");
    }

    private static void assertSorted(JsonNode node, String at) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            List<String> sorted = new ArrayList<>(names);
            sorted.sort(null);
            assertEquals(sorted, names, "keys of " + at);
            for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
                String n = it.next();
                assertSorted(node.get(n), at + "/" + n);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                assertSorted(node.get(i), at + "[" + i + "]");
            }
        }
    }

    @Test
    void markdownShowsFailedRunsAndTheirReason() throws IOException {
        String md = Files.readString(report("results-iphone-failed-run.json").receiptMd());
        assertTrue(md.contains("| MRT2TemporalBody | cpuAndNeuralEngine | failed | 0 | - | - | - | - | - | n/a | n/a "
                + "| - |"), md);
        assertTrue(md.contains("## Problems\n\n- MRT2TemporalBody (cpuAndNeuralEngine) failed in the runner: "
                + "prediction failed"), md);
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws IOException {
        report("results-iphone-ok.json");
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("device_bench.json", "device_bench.md"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
