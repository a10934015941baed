package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import dev.mrt2.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint that lacks what a converter needs fails with one message naming the file and the key, and leaves no
 * package behind.
 */
class BadCheckpointTest {
    private static final Mrt2Dims D = Mrt2Dims.tiny();

    @TempDir
    Path dir;

    @Test
    void missingKeyIsNamedWithItsExpectedShapeAndNothingIsWritten() throws IOException {
        String key = Mrt2Keys.temporal(7, Mrt2Keys.sinkValue(Mrt2Keys.CROSS));
        Path bad = copyTiny("partial.safetensors", key, values -> null);
        Path out = dir.resolve("out");
        CheckpointException e = assertThrows(CheckpointException.class, () -> export(bad, out, new TemporalConverter(D)));
        assertEquals("partial.safetensors: missing key '" + key + "' (expected [1, 4, 16] F32)", e.getMessage());
        assertEquals(key, e.key());
        assertFalse(Files.exists(out), "a bad checkpoint fails before the output folder is even created");
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() {
        String key = Mrt2Keys.codec("decoder_4/conv2d_3x3", "kernel");   // [3, 3, W/4, W/4]
        Path bad = copyTiny("reshaped.safetensors", key,
                values -> new Tensor(List.of(3L, 3L, 8L, 9L), new float[3 * 3 * 8 * 9]));
        Path out = dir.resolve("out");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> export(bad, out, new DecoderConverter(D, TinyCheckpoint.FRAMES)));
        assertEquals("reshaped.safetensors: key '" + key + "' has shape [3, 3, 8, 9], expected [3, 3, 8, 8]",
                e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void nonFiniteWeightFailsMidBuildAndKeepsTheEarlierPackage() throws IOException {
        Path out = dir.resolve("out");
        export(TinyCheckpoint.sharedCheckpoint(), out, new DepthConverter(D));
        Path weights = out.resolve(DepthConverter.PACKAGE_NAME).resolve("Data/com.apple.CoreML/weights/weight.bin");
        byte[] before = Files.readAllBytes(weights);

        String key = Mrt2Keys.depth("to_logits/kernel");   // read last but one: the package is half built by then
        Path bad = copyTiny("nan.safetensors", key, values -> {
            values[values.length - 1] = Float.NaN;
            return new Tensor(null, values);
        });
        CheckpointException e = assertThrows(CheckpointException.class, () -> export(bad, out, new DepthConverter(D)));
        assertEquals("nan.safetensors: key '" + key + "': value NaN is not finite", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(weights), "the earlier package is untouched");
        try (Stream<Path> entries = Files.list(out)) {
            assertEquals(List.of("MRT2DepthBody.mlpackage", "MRT2DepthBody_export_metadata.json"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList(), "no staging directory is left");
        }
    }

    @Test
    void valueBeyondFp16FailsTheFp16PackageNamingTheKey() {
        String key = Mrt2Keys.temporal(4, Mrt2Keys.FFN2_BIAS);
        Path bad = copyTiny("huge.safetensors", key, values -> {
            values[0] = 1e5f;
            return new Tensor(null, values);
        });
        Path out = dir.resolve("out");
        CheckpointException e = assertThrows(CheckpointException.class, () -> export(bad, out, new TemporalConverter(D)));
        assertEquals("huge.safetensors: key '" + key + "': value 100000.0 overflows FP16 (largest finite value 65504)",
                e.getMessage());
        assertFalse(Files.exists(out.resolve(TemporalConverter.PACKAGE_NAME)));
    }

    @Test
    void linearWeightBeyondFp16NamesTheFirstValueInTheWeightsOrder() {
        // kernel [in, out] becomes the weight [out, in]: (row 1, column 0) comes before (row 0, column 1) there,
        // though after it in the checkpoint; the transposed encode reports what the transposed array would
        String key = Mrt2Keys.temporal(2, Mrt2Keys.FFN1_KERNEL);
        int cols = D.temporalFfn();
        Path bad = copyTiny("wide.safetensors", key, values -> {
            values[1] = 1e5f;          // row 0, column 1
            values[cols] = 2e5f;       // row 1, column 0
            return new Tensor(null, values);
        });
        Path out = dir.resolve("out");
        CheckpointException e = assertThrows(CheckpointException.class, () -> export(bad, out, new TemporalConverter(D)));
        assertEquals("wide.safetensors: key '" + key + "': value 200000.0 overflows FP16 (largest finite value 65504)",
                e.getMessage());
        assertFalse(Files.exists(out.resolve(TemporalConverter.PACKAGE_NAME)));
    }

    private static void export(Path checkpoint, Path out, PackageConverter<?> converter) {
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            new PackageExporter(f, TinyCheckpoint.SHA256, out).export(converter);
        }
    }

    @Test
    void aStrayKeyOfALayerPastTheCountIsRefusedNotDropped() {
        // one key of a third depth layer: the count stops at the two complete ones, and the key would be ignored
        String stray = Mrt2Keys.depthLayer(2, Mrt2Keys.FFN1_KERNEL);
        Path bad = copyTiny("stray.safetensors", Mrt2Keys.QUANTIZER, values -> new Tensor(null, values));
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(bad)) {
            for (TensorInfo t : f.tensors()) {
                w.addFloats(t.name(), t.shape(), f.readFloats(t.name()));
            }
        }
        w.addFloats(stray, List.of(2L, 2L), new float[4]);
        w.write(bad);
        try (SafetensorsFile f = SafetensorsFile.open(bad)) {
            dev.mrt2.io.BadInputException e = assertThrows(dev.mrt2.io.BadInputException.class,
                    () -> Mrt2Dims.fromCheckpoint(f));
            assertEquals("stray.safetensors: key '" + stray + "' belongs to no complete layer: x_layers_0..1 each have '"
                    + Mrt2Keys.FFN_PRE_NORM + "', this one's layer does not (a layer cut short?)", e.getMessage());
        }
    }

    @Test
    void aTransposedEmbeddingIsNamedWithItsKey() {
        Path bad = copyTiny("transposed.safetensors", Mrt2Keys.EMBEDDING,
                values -> new Tensor(List.of((long) D.temporalDim(), (long) D.vocab()), values));
        try (SafetensorsFile f = SafetensorsFile.open(bad)) {
            dev.mrt2.io.BadInputException e = assertThrows(dev.mrt2.io.BadInputException.class,
                    () -> Mrt2Dims.fromCheckpoint(f));
            assertEquals("transposed.safetensors: key '" + Mrt2Keys.EMBEDDING + "' has shape [" + D.temporalDim() + ", "
                    + D.vocab() + "]: its first axis must be 6 + levels x " + D.codebookSize() + " (the codebook size "
                    + "of '" + Mrt2Keys.QUANTIZER + "'); is it stored transposed?", e.getMessage());
        }
    }

    /** A replacement tensor; a null shape keeps the original one. */
    private record Tensor(List<Long> shape, float[] values) {}

    /** The shared tiny checkpoint with {@code key} replaced by {@code edit(values)}; a null result drops the key. */
    private Path copyTiny(String name, String key, Function<float[], Tensor> edit) {
        Path target = dir.resolve(name);
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(TinyCheckpoint.sharedCheckpoint())) {
            for (TensorInfo t : f.tensors()) {
                float[] values = f.readFloats(t.name());
                if (!t.name().equals(key)) {
                    w.addFloats(t.name(), t.shape(), values);
                    continue;
                }
                Tensor replaced = edit.apply(values);
                if (replaced != null) {
                    w.addFloats(t.name(), replaced.shape() == null ? t.shape() : replaced.shape(), replaced.values());
                }
            }
        }
        w.write(target);
        return target;
    }
}
