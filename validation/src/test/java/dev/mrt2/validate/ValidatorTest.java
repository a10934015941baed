package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import dev.mrt2.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mrt2 validate} end to end on the tiny checkpoint: our converters' packages pass every gate; a package
 * converted from a damaged checkpoint fails the gate that should catch it.
 */
class ValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path checkpoint;
    static Path models;
    static Path fixtures;
    static ReferenceSet reference;
    static final Mrt2Dims DIMS = Mrt2Dims.tiny();
    /** Small but past the wrap: 42 steps, 3 frames per arm, 2-frame decoder chunks. */
    static final ValidationOptions OPTIONS = ValidationOptions.defaults().withSteps(42).withFrames(3)
            .withDecoderFrames(2);

    @BeforeAll
    static void convert() {
        checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, DIMS, 7, 1);
        models = tmp.resolve("models");
        ConvertService.run(checkpoint, models, ConversionPieces.select(List.of("temporal", "depth", "decoder")), 2,
                s -> { });
        // One reference for every test: the damaged packages are judged against stored fixtures (--skip-reference).
        reference = Validator.compute(checkpoint, null, OPTIONS, true, true, 2, s -> { });
        fixtures = tmp.resolve("fixtures");
        ReferenceFixtures.write(reference, fixtures);
    }

    static Validator.Run validate(Path packages, Path fixtures, Path receipts) {
        return Validator.run(new Validator.Request(packages, fixtures == null ? checkpoint : null, fixtures, receipts,
                null, OPTIONS), s -> { });
    }

    @Test
    void convertedPackagesPassEveryGateAndReceiptsAreWritten() throws IOException {
        Path receipts = tmp.resolve("receipts");
        Validator.Run run = validate(models, null, receipts);
        assertTrue(run.passed(), () -> "failed: " + run.failedGates());
        assertEquals(3, run.reports().size());
        assertEquals(6, run.receipts().size());
        JsonNode temporal = JSON.readTree(receipts.resolve("MRT2TemporalBody_validation.json").toFile());
        assertEquals(ArtifactReport.SCHEMA, temporal.get("schema").asText());
        assertEquals("float16", temporal.get("precision").asText());
        assertEquals(42, temporal.at("/results/temporal/steps").asInt());
        assertEquals(1, temporal.at("/results/temporal/wrapped_steps").asInt());
        assertEquals(42, temporal.at("/results/temporal/per_step").size());
        assertTrue(temporal.at("/results/temporal/overall/correlation").asDouble() >= 0.9999);
        assertTrue(temporal.get("package_files_sha256").has("Data/com.apple.CoreML/weights/weight.bin"));
        assertEquals(temporal.get("checkpoint_sha256").asText(), temporal.get("package_source_checkpoint_sha256").asText());
        JsonNode depth = JSON.readTree(receipts.resolve("MRT2DepthBody_validation.json").toFile());
        assertEquals(0, depth.at("/results/tokens/noise_t13/depth/token_mismatches").asInt());
        assertEquals(36, depth.at("/results/tokens/noise_t13/depth/total_tokens").asInt());
        assertEquals(36, depth.at("/results/tokens/argmax/temporal_plus_depth/total_tokens").asInt());
        JsonNode decoder = JSON.readTree(receipts.resolve("SpectroStreamDecoder_validation.json").toFile());
        assertTrue(decoder.at("/results/decoder/snr_db").asDouble() >= 100);
        assertEquals(List.of(1, 4, 480, 4), JSON.convertValue(decoder.at("/results/decoder/shape"),
                List.class));
        assertTrue(Files.readString(receipts.resolve("SpectroStreamDecoder_validation.md")).contains("**passed**"));

        // --skip-reference: stored fixtures give the same figures as the live reference
        Path storedReceipts = tmp.resolve("stored");
        Validator.Run stored = validate(models, fixtures, storedReceipts);
        assertTrue(stored.passed());
        for (String name : List.of("MRT2TemporalBody", "MRT2DepthBody", "SpectroStreamDecoder")) {
            JsonNode live = JSON.readTree(receipts.resolve(name + "_validation.json").toFile());
            JsonNode fromFixtures = JSON.readTree(storedReceipts.resolve(name + "_validation.json")
                    .toFile());
            assertEquals(live.get("results"), fromFixtures.get("results"), name);
            assertEquals(live.get("checkpoint_sha256"), fromFixtures.get("checkpoint_sha256"), name);
            assertEquals("fixtures", fromFixtures.get("reference").asText());
        }
    }

    @Test
    void fixturesRoundTripExactly() {
        ReferenceSet ref = reference;
        Path dir = fixtures;
        ReferenceSet back = ReferenceFixtures.read(dir);
        assertEquals(ref.checkpointSha256(), back.checkpointSha256());
        assertEquals(ref.seed(), back.seed());
        assertArrayEquals(ref.temporal().outputs()[41], back.temporal().outputs()[41]);
        assertEquals(2, back.arms().size());
        ReferenceSet.TokenArm arm = back.arms().stream().filter(a -> a.name().equals("noise_t13")).findFirst()
                .orElseThrow();
        assertEquals(1.3f, arm.temperature());
        ReferenceSet.TokenArm original = ref.arms().get(1);
        assertArrayEquals(original.ids()[2], arm.ids()[2]);
        assertArrayEquals(original.gumbel()[2][11], arm.gumbel()[2][11]);
        assertArrayEquals(original.prefix()[1][10], arm.prefix()[1][10]);
        assertArrayEquals(ref.decoder().stft().floats(), back.decoder().stft().floats());
        assertArrayEquals(ref.decoder().codes()[1], back.decoder().codes()[1]);
        // a second write gives the same bytes
        Path again = tmp.resolve("roundtrip2");
        ReferenceFixtures.write(ReferenceFixtures.read(dir), again);
        for (String f : List.of(ReferenceFixtures.MANIFEST, "temporal_stream.npz", "tokens_argmax.npz", "decoder.npz")) {
            assertArrayEquals(bytes(dir.resolve(f)), bytes(again.resolve(f)), f);
        }
    }

    @Test
    void aTransposedTemporalKernelFailsTheCorrelationGate() {
        // layer 0's self-attention output kernel [D, H, h] read as the square [D, H*h] and transposed
        String key = Mrt2Keys.temporal(0, Mrt2Keys.outputProjection(Mrt2Keys.SELF));
        Path broken = damaged("transposed", key, (info, v) -> {
            int n = (int) Math.sqrt(v.length);
            float[] t = new float[v.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    t[j * n + i] = v[i * n + j];
                }
            }
            return t;
        }, "temporal");
        Validator.Run run = validate(broken, fixtures, tmp.resolve("transposed_receipts"));
        assertFalse(run.passed());
        List<Gate> failed = run.failedGates();
        assertEquals(1, failed.size(), failed::toString);
        assertEquals("temporal.overall.correlation", failed.get(0).figure());
        assertTrue(failed.get(0).value() < 0.9999);
    }

    @Test
    void oneChangedDepthWeightBreaksTokenExactness() {
        // one logits-bias entry (level 0, code 5) raised far above every other: every frame samples code 5
        Path broken = damaged("bias", Mrt2Keys.depth("to_logits/bias"), (info, v) -> {
            float[] c = v.clone();
            c[6 + 5] += 1000;
            return c;
        }, "depth");
        Validator.Run run = validate(broken, fixtures, tmp.resolve("bias_receipts"));
        assertFalse(run.passed());
        assertTrue(run.failedGates().stream().allMatch(g -> g.figure().endsWith("depth.token_mismatches")),
                run.failedGates()::toString);
        assertEquals(2, run.failedGates().size());
    }

    @Test
    void anOverflowingDecoderFailsTheFiniteGateAndNamesTheOp() {
        // decoder_4 and decoder_5 transposed kernels x 1e30: activations reach 1e60, past float32's 3.4e38
        Path broken = damaged("overflow", List.of(Mrt2Keys.codec("decoder_4/conv2dtranspose_3x6", "kernel"),
                Mrt2Keys.codec("decoder_5/conv2dtranspose_3x4", "kernel")), (info, v) -> {
                    float[] c = v.clone();
                    for (int i = 0; i < c.length; i++) {
                        c[i] *= 1e30f;
                    }
                    return c;
                }, "decoder");
        Validator.Run run = validate(broken, fixtures, tmp.resolve("overflow_receipts"));
        ArtifactReport report = run.reports().get(0);
        assertFalse(report.passed());
        assertTrue(report.failedGates().stream().anyMatch(g -> g.figure().equals("decoder.finite_ratio")));
        assertTrue(report.failedGates().stream().anyMatch(g -> g.figure().equals("non_finite_ops")));
        assertNotNull(report.firstNonFinite());
        assertTrue(report.firstNonFinite().contains("decoder_5"), report.firstNonFinite());
    }

    @Test
    void badInputsAreNamed() {
        Path empty = tmp.resolve("empty");
        assertEquals(empty + ": no .mlpackage to validate", assertThrows(IllegalArgumentException.class,
                () -> Validator.classify(createDir(empty))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> OPTIONS.withSteps(41));
    }

    /** A copy of the checkpoint with one tensor changed, converted to the given piece in its own folder. */
    static Path damaged(String name, String key, BiFunction<TensorInfo, float[], float[]> change, String piece) {
        return damaged(name, List.of(key), change, piece);
    }

    static Path damaged(String name, List<String> keys, BiFunction<TensorInfo, float[], float[]> change,
                        String piece) {
        Path ckpt = tmp.resolve(name + ".safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (TensorInfo t : f.tensors()) {
                float[] v = f.readFloats(t.name());
                w.addFloats(t.name(), t.shape(), keys.contains(t.name()) ? change.apply(t, v) : v);
            }
            w.write(ckpt);
        }
        Path out = tmp.resolve(name + "_models");
        ConvertService.run(ckpt, out, ConversionPieces.select(List.of(piece)), 2, s -> { });
        return out;
    }

    static Path createDir(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
