package dev.mrt2.convert;

import dev.mrt2.mil.pkg.Digests;
import static org.junit.jupiter.api.Assertions.*;

import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.convert.codebooks.CodebookExporter;
import dev.mrt2.io.OutputException;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import dev.mrt2.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert as a transaction (ConvertService): what it checks before writing, what it lists, what it leaves alone.
 * The fault suite (cli) runs the corrupt inputs through the command; these pin the service's own rules.
 */
class ConvertTransactionTest {
    private static final List<ConversionPiece> CODEBOOKS = ConversionPieces.select(List.of("codebooks"));

    @TempDir
    Path dir;

    @Test
    void aNanInTheCodebooksIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path bad = rebuilt("nan.safetensors", (key, values) -> {
            if (key.equals(Mrt2Keys.QUANTIZER)) {
                values[33] = Float.NaN;
            }
            return values;
        }, DType.F32);
        Path out = earlierConversion();
        Map<String, String> before = snapshot(out);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> ConvertService.run(bad, out, CODEBOOKS, s -> { }));
        assertEquals("nan.safetensors: key '" + Mrt2Keys.QUANTIZER + "': value NaN at [0, 2, 1] is not finite (every "
                + "weight must be)", e.getMessage());
        assertEquals(before, snapshot(out));
        assertEquals(List.of(".out.mrt2-lock", "out"), names(dir.resolve("run")), "no staging folder left");
    }

    /**
     * Every piece names what it writes: a conversion of every piece of both generations into an empty folder reports
     * nothing as unlisted, and each piece's checkpoint read is checked (a NaN in the token embedding, which sos-input
     * alone reads, stops it).
     */
    @Test
    void everyPieceNamesItsOutputsAndReads() {
        List<ConversionPiece> all = ConversionPieces.generation(ConversionPieces.ALL_GENERATIONS);
        ConvertService.Report r = ConvertService.run(TinyCheckpoint.sharedCheckpoint(), dir.resolve("all"), all,
                s -> { });
        assertEquals(List.of(), r.unlisted(), "a piece that does not name its outputs has them reported as strays");
        Path bad = rebuilt("emb-nan.safetensors", (key, values) -> {
            if (key.equals(Mrt2Keys.EMBEDDING)) {
                values[5] = Float.NaN;
            }
            return values;
        }, DType.F32);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ConvertService.run(bad,
                dir.resolve("sos"), ConversionPieces.select(List.of("sos-input")), s -> { }));
        assertTrue(e.getMessage().contains(Mrt2Keys.EMBEDDING), e.getMessage());
        assertFalse(Files.exists(dir.resolve("sos")));
    }

    @Test
    void onlyTheKeysOfTheRequestedPiecesAreChecked() {
        Path partlyBad = rebuilt("temporal-nan.safetensors", (key, values) -> {
            if (key.equals(Mrt2Keys.temporal(3, Mrt2Keys.FFN1_BIAS))) {
                values[0] = Float.POSITIVE_INFINITY;
            }
            return values;
        }, DType.F32);
        ConvertService.Report r = ConvertService.run(partlyBad, dir.resolve("cb"), CODEBOOKS, s -> { });
        assertEquals(3, r.manifestEntries(), "the codebooks do not read the temporal body");
    }

    @Test
    void halfAndBfloat16CheckpointsConvertLikeFloat32Ones() {
        for (DType dtype : List.of(DType.F16, DType.BF16)) {
            Path ckpt = rebuilt(dtype + ".safetensors", (key, values) -> values, dtype);
            ConvertService.Report r = ConvertService.run(ckpt, dir.resolve(dtype.name()),
                    ConversionPieces.select(List.of("codebooks", "depth")), s -> { });
            assertEquals(List.of("depth", "codebooks"), r.pieces().stream().map(ConversionPiece.Result::piece).toList());
        }
    }

    /**
     * Re-converting into a folder holding another checkpoint's packages, a checkpoint, a stray file and a killed older
     * version's staging folder: the manifest lists exactly this run's artifacts, the rest stays and is reported, the
     * stale staging folder goes.
     */
    @Test
    void theManifestListsExactlyThisRunAndTheRestIsReported() throws IOException {
        Path out = earlierConversion();   // depth + codebooks of the shared tiny checkpoint
        Path checkpointInside = Files.copy(TinyCheckpoint.sharedCheckpoint(), out.resolve("tiny.safetensors"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.createDirectories(out.resolve(".MRT2DepthBody.mlpackage.tmp-0/Data"));
        Files.writeString(out.resolve(".MRT2DepthBody.mlpackage.tmp-0/Data/weight.bin"), "half a package");
        String depthBefore = Digests.sha256(out.resolve("MRT2DepthBody.mlpackage/Data/com.apple.CoreML/weights/weight.bin"));
        Path other = dir.resolve("other.safetensors");
        Mrt2Synth.write(other, Mrt2Dims.tiny(), 99, 1);

        List<String> log = new java.util.ArrayList<>();
        ConvertService.Report r = ConvertService.run(other, out, CODEBOOKS, log::add);

        List<String> listed = ChecksumManifest.read(out.resolve("SHA256SUMS")).stream()
                .map(ChecksumManifest.Entry::path).toList();
        assertEquals(List.of("MODELS.md", CodebookExporter.BIN, CodebookExporter.SIDECAR), listed);
        String models = Files.readString(out.resolve("MODELS.md"));
        assertFalse(models.contains("tiny.safetensors") || models.contains("notes.txt")
                || models.contains("MRT2DepthBody"), models);
        String sha = Digests.sha256(TinyCheckpoint.sharedCheckpoint());
        assertEquals(List.of(new UnlistedEntries.Entry("MRT2DepthBody.mlpackage", TinyCheckpoint.SHA256, false),
                new UnlistedEntries.Entry("MRT2DepthBody_export_metadata.json", TinyCheckpoint.SHA256, false),
                new UnlistedEntries.Entry("notes.txt", null, false),
                new UnlistedEntries.Entry("tiny.safetensors", null, false)), r.unlisted());
        assertEquals("MRT2DepthBody.mlpackage (from another checkpoint, sha256 abababababab…)",
                r.unlisted().get(0).describe());
        assertNotEquals(sha, r.checkpointSha256());
        assertEquals(depthBefore, Digests.sha256(out.resolve(
                "MRT2DepthBody.mlpackage/Data/com.apple.CoreML/weights/weight.bin")), "left as it was");
        assertTrue(Files.isRegularFile(checkpointInside));
        assertFalse(Files.exists(out.resolve(".MRT2DepthBody.mlpackage.tmp-0")), "the killed run's staging is gone");
        assertTrue(log.contains(out + ": removed .MRT2DepthBody.mlpackage.tmp-0, left by an interrupted run"),
                log.toString());
    }

    @Test
    void somethingThatIsNotAnEarlierArtifactIsNeverReplaced() throws IOException {
        Path out = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(out.resolve("MRT2DepthBody.mlpackage"), "a plain file with a package's name");
        Files.createDirectories(out.resolve(CodebookExporter.BIN));
        OutputException file = assertThrows(OutputException.class, () -> ConvertService.run(
                TinyCheckpoint.sharedCheckpoint(), out, ConversionPieces.select(List.of("depth")), s -> { }));
        assertEquals(out.resolve("MRT2DepthBody.mlpackage") + ": exists and is not a .mlpackage; refusing to replace it",
                file.getMessage());
        OutputException folder = assertThrows(OutputException.class,
                () -> ConvertService.run(TinyCheckpoint.sharedCheckpoint(), out, CODEBOOKS, s -> { }));
        assertEquals(out.resolve(CodebookExporter.BIN) + ": exists and is not a file; refusing to replace it",
                folder.getMessage());
        assertEquals(List.of("MRT2DepthBody.mlpackage", CodebookExporter.BIN), names(out));
    }

    /** {@code run/out}: depth and codebooks of the shared tiny checkpoint (its sha256 stands in as {@code ab..}). */
    private Path earlierConversion() throws IOException {
        Path out = dir.resolve("run/out");
        Files.createDirectories(out);
        try (SafetensorsFile f = SafetensorsFile.open(TinyCheckpoint.sharedCheckpoint())) {
            new PackageExporter(f, TinyCheckpoint.SHA256, out).export(new DepthConverter(Mrt2Dims.tiny()));
            CodebookExporter.export(f, Mrt2Dims.tiny(), TinyCheckpoint.SHA256, out);
        }
        return out;
    }

    /** The shared tiny checkpoint, every tensor through {@code edit(key, values)}, stored as {@code dtype}. */
    private Path rebuilt(String name, BiFunction<String, float[], float[]> edit, DType dtype) {
        Path target = dir.resolve(name);
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile f = SafetensorsFile.open(TinyCheckpoint.sharedCheckpoint())) {
            for (TensorInfo t : f.tensors()) {
                float[] values = edit.apply(t.name(), f.readFloats(t.name()));
                w.add(t.name(), dtype, t.shape(), dst -> {
                    dst.order(ByteOrder.LITTLE_ENDIAN);
                    for (float v : values) {
                        if (dtype == DType.F32) {
                            dst.putFloat(v);
                        } else if (dtype == DType.F16) {
                            dst.putShort(Float16.fromFloat(v));
                        } else {
                            dst.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                        }
                    }
                });
            }
        }
        w.write(target);
        return target;
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Digests.sha256(p));
            }
        }
        return out;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
