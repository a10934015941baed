package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.convert.checksum.ChecksumManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PieceRunnerTest {
    @TempDir
    Path dir;

    @Test
    void resultsComeBackInTheOrderGivenWhateverFinishesFirst() {
        ConcurrentLinkedQueue<String> finished = new ConcurrentLinkedQueue<>();
        List<ConversionPiece> pieces = List.of(piece("slow", 300, null, finished), piece("fast", 0, null, finished));
        List<ConversionPiece.Result> results = PieceRunner.runAll(pieces, quietContext(), 2);
        assertEquals(List.of("slow", "fast"), results.stream().map(ConversionPiece.Result::piece).toList());
        assertEquals(List.of("fast", "slow"), List.copyOf(finished), "the pieces really ran side by side");
    }

    @Test
    void everyPieceFinishesBeforeTheFirstFailureInOrderIsRethrown() {
        ConcurrentLinkedQueue<String> finished = new ConcurrentLinkedQueue<>();
        IllegalArgumentException first = new IllegalArgumentException("first");
        List<ConversionPiece> pieces = List.of(piece("a", 200, first, finished),
                piece("b", 0, new IllegalStateException("second"), finished), piece("c", 400, null, finished));
        RuntimeException e = assertThrows(RuntimeException.class, () -> PieceRunner.runAll(pieces, quietContext(), 2));
        assertSame(first, e, "the failure of the earliest piece, unwrapped");
        assertEquals(3, finished.size(), "no piece is still running when runAll returns");
    }

    @Test
    void wholeConversionThroughTheServiceIsRepeatableByteForByte() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        ConvertService.run(TinyCheckpoint.sharedCheckpoint(), a, ConversionPieces.all(), TinyCheckpoint.FRAMES,
                DecoderF16ConverterTest.STAND_IN, s -> {});
        ConvertService.run(TinyCheckpoint.sharedCheckpoint(), b, ConversionPieces.all(), TinyCheckpoint.FRAMES,
                DecoderF16ConverterTest.STAND_IN, s -> {});
        List<String> files = ConvertDeterminismTest.relativeFiles(a);
        assertEquals(files, ConvertDeterminismTest.relativeFiles(b));
        assertTrue(files.containsAll(List.of("MODELS.md", "SHA256SUMS", "SpectroStreamRVQCodebooks.f32.bin",
                "MRT2TemporalBody.mlpackage/Manifest.json")), files.toString());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        assertTrue(ChecksumManifest.verify(a.resolve("SHA256SUMS"), a).passed(), "reused digests match the files");
    }

    /** A context for pieces that neither read the checkpoint nor write files. */
    private ConvertContext quietContext() {
        return new ConvertContext(null, null, dir, s -> {});
    }

    private static ConversionPiece piece(String name, long sleepMillis, RuntimeException failure,
                                         ConcurrentLinkedQueue<String> finished) {
        return new ConversionPiece() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return name;
            }

            @Override
            public List<CheckpointTensor> reads(ConvertContext ctx) {
                return List.of();
            }

            @Override
            public List<String> outputs(ConvertContext ctx) {
                return List.of();
            }

            @Override
            public Result convert(ConvertContext ctx) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    finished.add(name);
                }
                if (failure != null) {
                    throw failure;
                }
                return new Result(name, List.of(), new TreeMap<>());
            }
        };
    }
}
