package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FP16 decoder's rescale plan (mrt2-model.md §4.6) and the graph it produces, with a stand-in profiler (running
 * graphs is the validation module's job; DecoderF16RescaleTest there runs them).
 */
class DecoderF16ConverterTest {
    /** The published per-block maxima of §4.6. */
    static final DecoderProfile PUBLISHED = new DecoderProfile(
            new double[] {1680.91, 9083.97, 21966.91, 182573.95, 2649330.75, 131797.36, 2686.99},
            new double[] {1680.91, 9083.97, 21966.91, 183177.52, 2649330.75, 2649330.75, 63844.40});

    /** For whole-service tests in this module, which cannot run the FP32 graph: always the published maxima. */
    static final DecoderActivationProfiler STAND_IN = (model, embeddings) -> PUBLISHED;

    @TempDir
    Path tmp;

    @Test
    void thePublishedProfileGivesThePublishedRegion() {
        RescalePlan plan = RescalePlan.fromProfile(PUBLISHED);
        assertEquals(3, plan.entry());   // decoder_4
        // last hot block is output_layer (63844 > 30000) already
        assertEquals(6, plan.exit());
        assertEquals(128f, plan.scale());
        assertFalse(plan.covers(2));
        assertTrue(plan.covers(3) && plan.covers(6));
    }

    @Test
    void theExitMovesOnWhileTwiceTheBlockOutputWouldOverflow() {
        double[] boundary = {10, 10, 40000, 40000, 20000, 100, 10};
        double[] subtree = {10, 10, 40000, 40000, 20000, 100, 10};
        RescalePlan plan = RescalePlan.fromProfile(new DecoderProfile(boundary, subtree));
        assertEquals(2, plan.entry());
        // last hot block 3 outputs 40000 (x2 > 65504) -> 4 outputs 20000 (x2 fits): stop there
        assertEquals(4, plan.exit());
        RescalePlan cold = RescalePlan.fromProfile(new DecoderProfile(new double[7], new double[7]));
        assertFalse(cold.active());
        assertFalse(cold.covers(0));
        assertThrows(IllegalArgumentException.class, () -> new DecoderProfile(new double[6], new double[7]));
        double[] nan = new double[7];
        nan[1] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> new DecoderProfile(nan, new double[7]));
    }

    @Test
    void opsAreAttributedToTheirChildBlock() {
        assertEquals(0, DecoderProfile.blockOfOp("decoder_1"));
        assertEquals(3, DecoderProfile.blockOfOp("decoder_4_conv2dtranspose_3x6"));
        assertEquals(6, DecoderProfile.blockOfOp("output_layer_base_conv_last"));
        assertEquals(-1, DecoderProfile.blockOfOp("decoder_0_elu_in"));
        assertEquals(-1, DecoderProfile.blockOfOp("fp16_rescale_in"));
        assertEquals(-1, DecoderProfile.blockOfOp("groups_to_batch"));
    }

    @Test
    void aRegionInsideTheChildScalesBiasesSwapsElusAndRestoresTheScaleInFp16() {
        // hot blocks 1..2 (decoder_2, decoder_3); block 2 outputs 40000, so the exit moves on to block 3
        double[] boundary = {100, 50000, 40000, 1000, 100, 100, 10};
        Mrt2Dims dims = Mrt2Dims.tiny();
        AtomicReference<float[][]> seen = new AtomicReference<>();
        DecoderF16Converter c = DecoderF16Converter.profiled(dims, TinyCheckpoint.FRAMES, (model, embeddings) -> {
            seen.set(embeddings);
            // the profiler gets the FP32 graph, with the op names it attributes to blocks
            assertEquals("decoder_stft", model.description().outputs().get(0).name());
            assertTrue(model.program().main().block().operations().stream()
                    .anyMatch(o -> o.name().equals("output_layer_base_conv_last")));
            return new DecoderProfile(boundary, boundary);
        });
        Path out = tmp.resolve("out");
        try (SafetensorsFile f = SafetensorsFile.open(TinyCheckpoint.sharedCheckpoint())) {
            new PackageExporter(f, TinyCheckpoint.SHA256, out).export(c);
            // calibration: T frames of E-wide summed embeddings, the same every time
            assertEquals(TinyCheckpoint.FRAMES, seen.get().length);
            assertEquals(dims.codebookDim(), seen.get()[0].length);
            assertArrayEquals(new DecoderCalibration(DecoderCalibration.DEFAULT_SEED, TinyCheckpoint.FRAMES)
                    .embeddings(f, dims)[2], seen.get()[2]);
        }
        assertEquals(1, c.plan().entry());
        assertEquals(3, c.plan().exit());
        try (MlPackage pkg = MlPackageReader.read(out.resolve(DecoderF16Converter.PACKAGE_NAME));
             MlPackage fp32 = MlPackageReader.read(TinyCheckpoint.sharedOutput().resolve(DecoderConverter.PACKAGE_NAME))) {
            Model m = pkg.model();
            List<String> names = m.program().main().block().operations().stream().map(Operation::name).toList();
            // x (1/S) right before decoder_2's first op, x S right after decoder_4's output (the add named decoder_4)
            int in = names.indexOf("fp16_rescale_in");
            assertTrue(names.lastIndexOf("decoder_1") < in && in < names.indexOf("decoder_2_elu_in"));
            int outIdx = names.indexOf("fp16_rescale_out");
            assertTrue(names.indexOf("decoder_4") < outIdx && outIdx < names.indexOf("decoder_5_elu_in"));
            assertEquals(List.of(1, TinyCheckpoint.FRAMES, dims.codebookDim()),
                    m.description().inputs().get(0).type().shape().stream().map(Long::intValue).toList());
            assertEquals(DataType.FLOAT32, ((TensorType) m.description().outputs().get(0).type()).dataType());
            // inside the region: biases / 128 (exact: a power of two), kernels as stored; outside: unchanged
            assertScaled(fp32.model(), m, "decoder_3_conv2d_3x3_bias", 1f / 128);
            assertScaled(fp32.model(), m, "decoder_4_shortcut_layer_conv1x1_bias", 1f / 128);
            assertScaled(fp32.model(), m, "decoder_4_conv2d_3x3_weight", 1f);
            assertScaled(fp32.model(), m, "decoder_1_conv2d_3x3_bias", 1f);
            assertScaled(fp32.model(), m, "decoder_5_conv2d_3x3_bias", 1f);
            // ELUs inside are the scaled form (no elu op), outside plain
            assertEquals("add", op(m, "decoder_2_elu_in").type());
            assertEquals("clip", op(m, "decoder_2_elu_in_neg").type());
            assertEquals("elu", op(m, "decoder_1_elu_in").type());
            assertEquals("elu", op(m, "decoder_5_elu_mid").type());
        }
        // decoder_2/3: 2 ELUs, 2 biases each (no shortcut conv); decoder_4: 2 ELUs, 3 biases
        var rescale = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) c.extraMetadata().get("wrapper")).get("fp16_rescale");
        assertEquals(6, rescale.get("elus_swapped"));
        assertEquals(7, rescale.get("biases_scaled"));
        assertEquals(1, rescale.get("entry_block"));
        assertEquals(3, rescale.get("exit_block"));
        assertEquals(true, rescale.get("applied"));
    }

    @Test
    void aCheckpointWhoseFp32DecoderOverflowsIsBadInputAndNothingIsWritten() {
        double[] nan = new double[7];
        nan[4] = Double.NaN;
        DecoderF16Converter c = DecoderF16Converter.profiled(Mrt2Dims.tiny(), TinyCheckpoint.FRAMES,
                (model, embeddings) -> new DecoderProfile(nan, nan));
        Path out = tmp.resolve("bad");
        BadInputException e;
        try (SafetensorsFile f = SafetensorsFile.open(TinyCheckpoint.sharedCheckpoint())) {
            e = assertThrows(BadInputException.class, () -> new PackageExporter(f, TinyCheckpoint.SHA256, out).export(c));
        }
        assertTrue(e.getMessage().startsWith("tiny.safetensors: SpectroStreamDecoder.f16.mlpackage: decoder profile: "
                + "block decoder_5 has a non-finite maximum"), e.getMessage());
        assertFalse(java.nio.file.Files.exists(out), "nothing written");
    }

    @Test
    void withoutAProfilerTheShippedPackageIsRefused() {
        assertThrows(IllegalStateException.class,
                () -> DecoderF16Converter.profiled(Mrt2Dims.tiny(), TinyCheckpoint.FRAMES, null));
    }

    private static Operation op(Model m, String name) {
        return m.program().main().block().operations().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no op " + name));
    }

    /** The fp16 constant equals the fp32 package's constant times {@code factor}, rounded to fp16. */
    private static void assertScaled(Model fp32, Model fp16, String name, float factor) {
        float[] reference = values(op(fp32, name).value());
        float[] actual = values(op(fp16, name).value());
        assertEquals(reference.length, actual.length, name);
        boolean anyNonZero = false;
        for (int i = 0; i < reference.length; i++) {
            float want = Float16.round(reference[i] * factor);
            assertEquals(want, actual[i], name + "[" + i + "]");
            anyNonZero |= actual[i] != 0;
        }
        assertTrue(anyNonZero, name);
        assertNotEquals(DataType.FLOAT32, op(fp16, name).value().type().dataType());
    }

    private static float[] values(ConstValue c) {
        ByteBuffer b = c.data();
        float[] out = new float[Math.toIntExact(c.type().elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.type().dataType() == DataType.FLOAT16 ? Float16.toFloat(b.getShort()) : b.getFloat();
        }
        return out;
    }
}
