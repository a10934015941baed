package dev.mrt2.validate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.convert.JsonDocument;
import dev.mrt2.convert.JsonWholeNumber;
import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.io.BadInputException;
import dev.mrt2.validate.fixtures.JsonProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Our {@value FixtureFiles#MANIFEST} beside the fixture files: which checkpoint and seed they came from, how each
 * file's inputs were made, and the codebook table's identity. Optional when reading: the port's published set has
 * none, and its files are recognised without it. Keys sorted, so equal references give equal bytes.
 *
 * @param checkpoint       checkpoint file name
 * @param checkpointSha256 its SHA-256
 * @param seed             seed of the generated inputs
 * @param inputs           per fixture file, how its inputs were made
 * @param codebooks        the codebook table's identity, or null
 */
record FixtureManifest(String checkpoint, String checkpointSha256, long seed, SortedMap<String, String> inputs,
                       ReferenceSet.CodebookCase codebooks) {
    static final String SCHEMA = "mrt2-reference-fixtures-v2";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    FixtureManifest {
        inputs = new TreeMap<>(inputs);
    }

    void write(Path dir) {
        Map<String, Object> m = new TreeMap<>();
        m.put("schema", SCHEMA);
        m.put("checkpoint", checkpoint);
        m.put("checkpoint_sha256", checkpointSha256);
        m.put("seed", seed);
        Map<String, Object> files = new TreeMap<>();
        inputs.forEach((file, how) -> files.put(file, Map.of("inputs", how)));
        m.put("files", files);
        if (codebooks != null) {
            m.put("codebooks", Map.of("byte_count", codebooks.byteCount(), "sha256", codebooks.sha256(),
                    "shape", codebooks.shape()));
        }
        AtomicFile.write(dir.resolve(FixtureFiles.MANIFEST), SortedJson.write(m).getBytes(StandardCharsets.UTF_8));
    }

    /** The manifest of {@code dir}, or null when it has none; every listed file must exist. */
    static FixtureManifest readIfPresent(Path dir, String source) {
        Path file = dir.resolve(FixtureFiles.MANIFEST);
        if (!Files.exists(file)) {
            return null;
        }
        String where = file.toString();
        JsonNode m;
        try {
            m = JsonDocument.readOne(JSON, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BadInputException(where + ": " + JsonProblem.of(e), e);
        }
        if (m == null || !m.isObject()) {
            throw new BadInputException(where + ": not a JSON object");
        }
        String schema = m.path("schema").asText();
        if (!SCHEMA.equals(schema)) {
            throw new BadInputException(where + ": schema '" + schema + "' is not '" + SCHEMA
                    + "' (written by another mrt2 version; regenerate with 'mrt2 fixtures generate')");
        }
        SortedMap<String, String> inputs = new TreeMap<>();
        for (var it = m.path("files").fields(); it.hasNext(); ) {
            var e = it.next();
            if (!Files.isRegularFile(dir.resolve(e.getKey()))) {
                throw new BadInputException(where + ": lists '" + e.getKey() + "', which is missing from " + dir
                        + " (an incomplete copy?)");
            }
            inputs.put(e.getKey(), e.getValue().path("inputs").asText());
        }
        ReferenceSet.CodebookCase codebooks = null;
        JsonNode c = m.get("codebooks");
        if (c != null) {
            List<Long> shape = new ArrayList<>();
            c.path("shape").forEach(d -> shape.add(d.canConvertToInt() && d.asLong() > 0 ? d.asLong() : -1));
            String sha = c.path("sha256").asText();
            if (shape.size() != 3 || shape.contains(-1L) || !sha.matches("[0-9a-f]{64}")
                    || c.path("byte_count").asLong() <= 0) {
                throw new BadInputException(where + ": 'codebooks' needs shape [L, C, E] (whole numbers >= 1), "
                        + "byte_count and sha256");
            }
            // the shape is what the fixture files are held to (FixtureDims), so it must be the table's
            long need = 4 * shape.get(0) * shape.get(1) * shape.get(2);
            if (c.path("byte_count").asLong() != need) {
                throw new BadInputException(where + ": 'codebooks' byte_count " + c.path("byte_count").asLong()
                        + " but float32 " + shape + " needs " + need);
            }
            codebooks = new ReferenceSet.CodebookCase(shape, c.path("byte_count").asLong(), sha,
                    new Origin(FixtureFiles.MANIFEST, source, "the checkpoint's quantizer, first " + shape.get(0)
                            + " levels"));
        }
        String sha = m.path("checkpoint_sha256").asText();
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new BadInputException(where + ": 'checkpoint_sha256' is not a SHA-256");
        }
        // the seed names how the inputs were made: a missing or damaged one must not read as seed 0
        java.util.OptionalLong seed = JsonWholeNumber.of(m.get("seed"));
        if (seed.isEmpty()) {
            throw new BadInputException(where + ": 'seed' " + m.get("seed") + " is not a whole number");
        }
        return new FixtureManifest(m.path("checkpoint").asText(), sha, seed.getAsLong(), inputs, codebooks);
    }

    String inputsOf(String file) {
        return inputs.getOrDefault(file, "as stored");
    }
}
