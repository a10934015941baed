package dev.mrt2.cli.devicebench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.cli.devicebench.BenchResults.ComputePlan;
import dev.mrt2.cli.devicebench.BenchResults.FirstNonFinite;
import dev.mrt2.cli.devicebench.BenchResults.ModelRun;
import dev.mrt2.cli.devicebench.BenchResults.OutputCheck;
import dev.mrt2.cli.devicebench.BenchResults.Request;
import dev.mrt2.cli.devicebench.BenchResults.Runner;
import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@value BenchResults#SCHEMA} file. Every error names the file and the JSON path of the bad field, e.g.
 * {@code results.json: runs[1].latencies_ms[3]: expected a finite number >= 0}.
 */
public final class ResultsParser {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;

    private ResultsParser(Path file) {
        this.file = file;
    }

    public static BenchResults parse(Path file) {
        return new ResultsParser(file).parseFile();
    }

    private BenchResults parseFile() {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw fail("", "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw fail("", "cannot read (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw fail("", "expected a JSON object");
        }
        String schema = string(root, "schema", false);
        if (!BenchResults.SCHEMA.equals(schema)) {
            throw fail("schema", "expected '" + BenchResults.SCHEMA + "', found '" + schema + "'");
        }
        JsonNode runner = object(root, "runner");
        JsonNode request = object(root, "request");
        JsonNode runs = field(root, "runs");
        if (!runs.isArray()) {
            throw fail("runs", "expected an array");
        }
        List<ModelRun> parsedRuns = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            parsedRuns.add(run(runs.get(i), "runs[" + i + "]"));
        }
        return new BenchResults(
                new Runner(string(runner, "runner.app_version", false), string(runner, "runner.platform", false),
                        string(runner, "runner.os_version", false), string(runner, "runner.hardware_model", false)),
                new Request(strings(request, "request.models"), strings(request, "request.compute_units"),
                        count(request, "request.frames"), count(request, "request.warmups"),
                        count(request, "request.repeats"), seed(request), optionalString(request, "request.fixture")),
                parsedRuns);
    }

    private ModelRun run(JsonNode run, String at) {
        if (!run.isObject()) {
            throw fail(at, "expected an object");
        }
        String status = string(run, at + ".status", false);
        if (!status.equals("ok") && !status.equals("failed")) {
            throw fail(at + ".status", "expected 'ok' or 'failed', found '" + status + "'");
        }
        String error = string(run, at + ".error", true);
        if (status.equals("failed") && error == null) {
            throw fail(at + ".error", "a failed run must say why");
        }
        JsonNode load = field(run, at + ".load_ms");
        Double loadMs = load.isNull() ? null : nonNegative(load, at + ".load_ms");
        JsonNode latencies = field(run, at + ".latencies_ms");
        if (!latencies.isArray()) {
            throw fail(at + ".latencies_ms", "expected an array");
        }
        List<Double> ms = new ArrayList<>(latencies.size());
        for (int i = 0; i < latencies.size(); i++) {
            ms.add(nonNegative(latencies.get(i), at + ".latencies_ms[" + i + "]"));
        }
        return new ModelRun(string(run, at + ".model", false), string(run, at + ".kind", false),
                string(run, at + ".compute_units", false), status, error, loadMs, ms,
                computePlan(object(run, at + ".compute_plan"), at + ".compute_plan"),
                outputs(object(run, at + ".outputs"), at + ".outputs"), fixtureRun(run, at + ".fixture_run"));
    }

    private ComputePlan computePlan(JsonNode plan, String at) {
        JsonNode available = field(plan, at + ".available");
        if (!available.isBoolean()) {
            throw fail(at + ".available", "expected true or false");
        }
        Map<String, Long> ops = new TreeMap<>();
        Map<String, Double> cost = new TreeMap<>();
        JsonNode opsNode = object(plan, at + ".ops");
        for (Iterator<Map.Entry<String, JsonNode>> it = opsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
                throw fail(at + ".ops." + e.getKey(), "expected a count >= 0");
            }
            ops.put(e.getKey(), v.asLong());
        }
        JsonNode costNode = object(plan, at + ".cost");
        for (Iterator<Map.Entry<String, JsonNode>> it = costNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            cost.put(e.getKey(), nonNegative(e.getValue(), at + ".cost." + e.getKey()));
        }
        return new ComputePlan(available.asBoolean(), string(plan, at + ".reason", true), ops, cost);
    }

    private OutputCheck outputs(JsonNode outputs, String at) {
        long checked = longCount(outputs, at + ".values_checked");
        long nonFinite = longCount(outputs, at + ".non_finite_values");
        if (nonFinite > checked) {
            throw fail(at + ".non_finite_values", nonFinite + " exceeds values_checked " + checked);
        }
        JsonNode first = field(outputs, at + ".first_non_finite");
        FirstNonFinite where = null;
        if (!first.isNull()) {
            String f = at + ".first_non_finite";
            if (!first.isObject()) {
                throw fail(f, "expected an object or null");
            }
            JsonNode warmup = field(first, f + ".warmup");
            if (!warmup.isBoolean()) {
                throw fail(f + ".warmup", "expected true or false");
            }
            where = new FirstNonFinite(longCount(first, f + ".call"), string(first, f + ".output", false),
                    warmup.asBoolean());
        }
        if ((nonFinite > 0) != (where != null)) {
            throw fail(at + ".first_non_finite", "must be set exactly when non_finite_values > 0");
        }
        return new OutputCheck(checked, nonFinite, where);
    }

    /** Absent (a runner older than the field) or null: no fixture run. */
    private BenchResults.FixtureRun fixtureRun(JsonNode run, String at) {
        JsonNode f = run.get("fixture_run");
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isObject()) {
            throw fail(at, "expected an object or null");
        }
        int steps = count(f, at + ".steps");
        String error = string(f, at + ".error", true);
        JsonNode out = field(f, at + ".temporal_outputs");
        if (error != null || out.isNull()) {
            if (error == null) {
                throw fail(at + ".error", "a fixture run without outputs must say why");
            }
            return new BenchResults.FixtureRun(steps, error, null);
        }
        String where = at + ".temporal_outputs";
        if (!out.isObject()) {
            throw fail(where, "expected an object or null");
        }
        String dtype = string(out, where + ".dtype", false);
        if (!"little-endian-float32".equals(dtype)) {
            throw fail(where + ".dtype", "expected 'little-endian-float32', found '" + dtype + "'");
        }
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(string(out, where + ".base64", false));
        } catch (IllegalArgumentException e) {
            throw fail(where + ".base64", "not base64 (" + e.getMessage() + ")");
        }
        JsonNode shape = field(out, where + ".shape");
        long elements = 1;
        for (int i = 0; shape.isArray() && i < shape.size(); i++) {
            elements *= nonNegativeInteger(shape.get(i), where + ".shape[" + i + "]");
        }
        if (!shape.isArray() || shape.size() != 2 || bytes.length != 4 * elements) {
            throw fail(where, "shape " + shape + " does not match " + bytes.length + " bytes of float32");
        }
        float[] values = new float[bytes.length / 4];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return new BenchResults.FixtureRun(steps, null, values);
    }

    private String optionalString(JsonNode node, String path) {
        JsonNode v = node.get(path.substring(path.lastIndexOf('.') + 1));
        return v == null ? null : string(node, path, true);
    }

    private String seed(JsonNode request) {
        JsonNode seed = field(request, "request.seed");
        if (seed.isIntegralNumber() && seed.bigIntegerValue().signum() >= 0
                && seed.bigIntegerValue().bitLength() <= 64) {
            return seed.bigIntegerValue().toString();
        }
        throw fail("request.seed", "expected an unsigned 64-bit integer");
    }

    private List<String> strings(JsonNode node, String path) {
        JsonNode array = field(node, path);
        if (!array.isArray()) {
            throw fail(path, "expected an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isTextual()) {
                throw fail(path + "[" + i + "]", "expected a string");
            }
            out.add(array.get(i).asText());
        }
        return out;
    }

    private int count(JsonNode node, String path) {
        long v = longCount(node, path);
        if (v > Integer.MAX_VALUE) {
            throw fail(path, "too large: " + v);
        }
        return (int) v;
    }

    private long longCount(JsonNode node, String path) {
        return nonNegativeInteger(field(node, path), path);
    }

    private long nonNegativeInteger(JsonNode v, String path) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw fail(path, "expected an integer >= 0");
        }
        return v.asLong();
    }

    private double nonNegative(JsonNode v, String path) {
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
            throw fail(path, "expected a finite number >= 0");
        }
        return v.asDouble();
    }

    private String string(JsonNode node, String path, boolean nullable) {
        JsonNode v = field(node, path);
        if (nullable && v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw fail(path, nullable ? "expected a string or null" : "expected a string");
        }
        return v.asText();
    }

    private JsonNode object(JsonNode node, String path) {
        JsonNode v = field(node, path);
        if (!v.isObject()) {
            throw fail(path, "expected an object");
        }
        return v;
    }

    /** The field named by the last segment of {@code path}; absent is an error (null must be written as null). */
    private JsonNode field(JsonNode node, String path) {
        String name = path.substring(path.lastIndexOf('.') + 1);
        JsonNode v = node.get(name);
        if (v == null) {
            throw fail(path, "missing");
        }
        return v;
    }

    private DeviceBenchException fail(String path, String problem) {
        String where = path.isEmpty() ? "" : path + ": ";
        return new DeviceBenchException(Kind.BAD_INPUT, file + ": " + where + problem);
    }
}
