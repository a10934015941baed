package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.*;

import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.convert.codebooks.CodebookExporter;
import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsException;
import dev.mrt2.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertServiceTest {
    @TempDir
    Path dir;

    @Test
    void convertsCodebooksAndWritesTheManifest() throws IOException {
        Path ckpt = dir.resolve("tiny.safetensors");
        Mrt2Synth.write(ckpt, Mrt2Dims.tiny(), 1, 1);
        List<String> log = new ArrayList<>();
        ConvertService.Report r = ConvertService.run(ckpt, dir.resolve("out"),
                ConversionPieces.select(List.of("codebooks")), log::add);
        assertEquals(Mrt2Dims.tiny(), r.dims());
        assertEquals(List.of("codebooks"), r.pieces().stream().map(ConversionPiece.Result::piece).toList());
        List<String> listed = ChecksumManifest.read(r.manifest()).stream().map(ChecksumManifest.Entry::path).toList();
        assertTrue(listed.containsAll(List.of(CodebookExporter.BIN, CodebookExporter.SIDECAR)), listed.toString());
        assertEquals(listed.size(), r.manifestEntries());
        assertEquals(ChecksumManifest.scan(dir.resolve("out"), r.manifest()).stream()
                .map(ChecksumManifest.Entry::path).toList(), listed, "every file of the folder is listed");
        assertTrue(ChecksumManifest.verify(r.manifest(), dir.resolve("out")).passed());
        assertFalse(log.isEmpty());
    }

    @Test
    void unknownPieceNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConversionPieces.select(List.of("codebooks", "nope")));
        assertEquals("unknown piece 'nope' (available: " + String.join(", ", ConversionPieces.names()) + ")",
                e.getMessage());
        assertTrue(ConversionPieces.names().contains("codebooks"));
        assertEquals(ConversionPieces.all(), ConversionPieces.select(List.of()));
    }

    @Test
    void checkpointMissingKeysIsBadInputNamingTheFileAndKey() {
        Path ckpt = dir.resolve("partial.safetensors");
        new SafetensorsWriter().addFloats(Mrt2Keys.QUANTIZER, List.of(1L, 1L, 1L), new float[1]).write(ckpt);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ConvertService.run(ckpt, dir.resolve("out"), ConversionPieces.all(), s -> {}));
        assertTrue(e.getMessage().startsWith("partial.safetensors: missing key '"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written for a bad checkpoint");
    }

    @Test
    void truncatedCheckpointIsASafetensorsError() throws IOException {
        Path ckpt = dir.resolve("tiny.safetensors");
        Mrt2Synth.write(ckpt, Mrt2Dims.tiny(), 1, 1);
        byte[] all = Files.readAllBytes(ckpt);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 1));
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> ConvertService.run(cut, dir.resolve("out"), ConversionPieces.all(), s -> {}));
        assertTrue(e.getMessage().startsWith(cut + ": tensor '"), e.getMessage());
    }
}
