package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.convert.DecoderBlockProfiler;
import dev.mrt2.convert.DecoderF16Converter;
import dev.mrt2.convert.DecoderProfile;
import dev.mrt2.convert.ExportMetadata;
import dev.mrt2.convert.PackageConverter;
import dev.mrt2.convert.PackageExporter;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
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

/**
 * The FP16 decoder's rescale (mrt2-model.md §4.6) on a tiny checkpoint whose decoder_4..output_layer kernels are
 * multiplied by 8, so the FP32 activations of decoder_6 and output_layer reach 1.4e5 and 7.7e5 on the calibration
 * input, past FP16's 65504: without the rescale the FP16 package overflows and validation names the op; with the
 * rescale measured on the same weights it passes every gate.
 */
class DecoderF16RescaleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Mrt2Dims DIMS = Mrt2Dims.tiny();
    private static final int FRAMES = 4;
    private static final float KERNEL_GAIN = 8f;
    private static final Demand DECODER = new Demand(false, false, false, false, false, FRAMES, false);
    private static final ValidationOptions OPTIONS = ValidationOptions.defaults().withSteps(42).withFrames(3)
            .withDecoderFrames(FRAMES);

    @TempDir
    static Path tmp;
    static Path plain;
    static Path hot;
    static Path hotFixtures;

    @BeforeAll
    static void checkpoints() {
        plain = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(plain, DIMS, 7, 1);
        hot = tmp.resolve("hot.safetensors");
        amplifyLateDecoderKernels(plain, hot);
        hotFixtures = tmp.resolve("hot_fixtures");
        TestRuns.fixtures(hot, OPTIONS, DECODER, hotFixtures, FixtureWriter.Format.MRT2);
    }

    @Test
    void withoutTheRescaleTheFp16DecoderOverflowsAndTheOpIsNamed() {
        Path models = export(hot, "hot_plain", DecoderF16Converter.withoutRescale(DIMS, FRAMES));
        ArtifactReport report = validate(models, hotFixtures, "hot_plain_receipts");
        assertFalse(report.passed());
        List<String> failed = report.failedGates().stream().map(Gate::figure).toList();
        assertTrue(failed.contains("decoder.finite_ratio"), failed::toString);
        assertTrue(failed.contains("non_finite_ops"), failed::toString);
        // decoder_6 is the first block whose FP32 values pass 65504
        assertNotNull(report.firstNonFinite());
        assertTrue(report.firstNonFinite().startsWith("op 'decoder_6"), report.firstNonFinite());
        JsonNode rescale = sidecar(models).at("/wrapper/fp16_rescale");
        assertFalse(rescale.get("applied").asBoolean());
        assertEquals(0, rescale.get("elus_swapped").asInt());
    }

    @Test
    void withTheMeasuredRescaleItPassesAndRecordsThePlan() throws IOException {
        Path models = export(hot, "hot_rescaled", profiled());
        ArtifactReport report = validate(models, hotFixtures, "hot_rescaled_receipts");
        assertTrue(report.passed(), () -> "failed: " + report.failedGates());
        double snr = snr(report);
        System.out.println("fp16 rescaled decoder, kernels x" + KERNEL_GAIN + ": SNR " + snr + " dB");
        assertTrue(snr >= DecoderCheck.FP16_MIN_SNR_DB, "SNR " + snr);

        JsonNode rescale = sidecar(models).at("/wrapper/fp16_rescale");
        assertTrue(rescale.get("applied").asBoolean());
        assertEquals(128.0, rescale.get("scale").asDouble());
        // decoder_6 (block 5) is the first hot block; output_layer (block 6) is hot too, the last one
        assertEquals(5, rescale.get("entry_block").asInt());
        assertEquals(6, rescale.get("exit_block").asInt());
        assertEquals("decoder_6", rescale.get("entry_block_name").asText());
        // decoder_6: 2 ELUs and 3 biases (transpose, 3x3, shortcut); output_layer: 1 ELU, 1 bias
        assertEquals(3, rescale.get("elus_swapped").asInt());
        assertEquals(4, rescale.get("biases_scaled").asInt());
        double[] subtree = doubles(rescale.get("subtree_worst_absmax"));
        double[] boundary = doubles(rescale.get("boundary_out_absmax"));
        assertEquals(DecoderProfile.CHILD_BLOCKS.size(), subtree.length);
        assertTrue(subtree[5] > 65504 && subtree[6] > 65504 && subtree[4] < 30000, rescale::toString);
        for (int i = 0; i < subtree.length; i++) {
            assertTrue(boundary[i] <= subtree[i], "block " + i);
        }
        assertEquals(DecoderProfile.CHILD_BLOCKS.size(), rescale.get("child_blocks").size());
        assertEquals(20260721L, rescale.at("/calibration/seed").asLong());
        assertEquals(FRAMES, rescale.at("/calibration/frames").asInt());
    }

    @Test
    void onOrdinaryWeightsNoBlockIsHotAndTheFp16DecoderStillPasses() {
        Path fixtures = tmp.resolve("plain_fixtures");
        TestRuns.fixtures(plain, OPTIONS, DECODER, fixtures, FixtureWriter.Format.MRT2);
        Path models = export(plain, "plain_f16", profiled());
        ArtifactReport report = validate(models, fixtures, "plain_f16_receipts");
        assertTrue(report.passed(), () -> "failed: " + report.failedGates());
        System.out.println("fp16 decoder, ordinary tiny weights: SNR " + snr(report) + " dB");
        JsonNode rescale = sidecar(models).at("/wrapper/fp16_rescale");
        assertFalse(rescale.get("applied").asBoolean());
        assertTrue(rescale.get("reason").asText().startsWith("no child block exceeds"), rescale::toString);
        assertEquals(7, rescale.get("boundary_out_absmax").size());
    }

    @Test
    void convertingTwiceGivesIdenticalBytes() throws IOException {
        Path a = export(hot, "twice_a", profiled());
        Path b = export(hot, "twice_b", profiled());
        List<Path> files = files(a);
        assertEquals(4, files.size(), files::toString);   // manifest, model, weight.bin, sidecar
        assertEquals(files, files(b));
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
        }
    }

    private static DecoderF16Converter profiled() {
        return DecoderF16Converter.profiled(DIMS, FRAMES, new DecoderBlockProfiler());
    }

    /** Every kernel of decoder_4, decoder_5, decoder_6 and output_layer times {@link #KERNEL_GAIN}. */
    private static void amplifyLateDecoderKernels(Path from, Path to) {
        try (SafetensorsFile f = SafetensorsFile.open(from)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (TensorInfo t : f.tensors()) {
                float[] v = f.readFloats(t.name());
                String n = t.name();
                boolean late = Stream.of("/decoder_4/", "/decoder_5/", "/decoder_6/", "/output_layer/")
                        .anyMatch(n::contains);
                if (late && n.endsWith("/kernel")) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] *= KERNEL_GAIN;
                    }
                }
                w.addFloats(n, t.shape(), v);
            }
            w.write(to);
        }
    }

    private static Path export(Path checkpoint, String name, PackageConverter<?> converter) {
        Path out = tmp.resolve(name);
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            new PackageExporter(f, Digests.sha256(checkpoint), out).export(converter);
        }
        return out;
    }

    private static ArtifactReport validate(Path models, Path fixtures, String receipts) {
        Validator.Run run = TestRuns.stored(models, fixtures, tmp.resolve(receipts), OPTIONS);
        assertEquals(1, run.reports().size());
        return run.reports().get(0);
    }

    private static double snr(ArtifactReport report) {
        return report.gates().stream().filter(g -> g.figure().equals("decoder.snr_db")).findFirst().orElseThrow()
                .value();
    }

    private static JsonNode sidecar(Path models) {
        try {
            return JSON.readTree(models.resolve(ExportMetadata.sidecarName(DecoderF16Converter.PACKAGE_NAME))
                    .toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }
}
