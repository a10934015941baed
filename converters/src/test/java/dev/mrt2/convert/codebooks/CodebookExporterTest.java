package dev.mrt2.convert.codebooks;

import dev.mrt2.mil.pkg.Digests;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodebookExporterTest {
    @TempDir
    static Path dir;
    static Path checkpoint;

    @BeforeAll
    static void synth() {
        checkpoint = dir.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, Mrt2Dims.tiny(), 3, 2);
    }

    @Test
    void exportsTheFirstLevelsInCOrder() throws IOException {
        Mrt2Dims d = Mrt2Dims.tiny();
        Path out = dir.resolve("out1");
        Files.createDirectories(out);
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            CodebookExporter.Export e = CodebookExporter.export(f, d, "f".repeat(64), out);
            int levels = d.rvqLevels();
            int c = d.codebookSize();
            int dim = d.codebookDim();
            assertEquals(List.of((long) levels, (long) c, (long) dim), e.shape());
            assertEquals(4L * levels * c * dim, e.byteCount());
            byte[] bin = Files.readAllBytes(out.resolve(CodebookExporter.BIN));
            assertEquals(e.byteCount(), bin.length);
            assertEquals(Digests.sha256(bin), e.sha256());

            // element (l, c, d) at byte 4 * ((l * C + c) * E + d), equal to the checkpoint's value
            float[] q = f.readFloats(Mrt2Keys.QUANTIZER);
            ByteBuffer b = ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] p : new int[][] {{0, 0, 0}, {levels - 1, c - 1, dim - 1}, {5, 7, 3}, {11, 0, dim - 1}}) {
                int i = (p[0] * c + p[1]) * dim + p[2];
                assertEquals(q[i], b.getFloat(4 * i), "element " + List.of(p[0], p[1], p[2]));
            }
            // and nothing from level 12 on
            assertNotEquals(q[levels * c * dim], 0f);
        }
    }

    @Test
    void sidecarHasTheDocumentedFieldsSortedWithTwoSpaceIndent() throws IOException {
        Path out = dir.resolve("out2");
        Files.createDirectories(out);
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            CodebookExporter.Export e = CodebookExporter.export(f, Mrt2Dims.tiny(), "a".repeat(64), out);
            String text = Files.readString(out.resolve(CodebookExporter.SIDECAR));
            assertEquals("{\n"
                    + "  \"byte_count\": 24576,\n"
                    + "  \"checkpoint_path\": \"tiny.safetensors\",\n"
                    + "  \"checkpoint_sha256\": \"" + "a".repeat(64) + "\",\n"
                    + "  \"dtype\": \"little_endian_float32\",\n"
                    + "  \"quantizer_key\": \"params/soundstream/quantizer/embedding\",\n"
                    + "  \"schema\": \"spectrostream-rvq-codebooks-ios-v1\",\n"
                    + "  \"sha256\": \"" + e.sha256() + "\",\n"
                    + "  \"shape\": [\n"
                    + "    12,\n"
                    + "    32,\n"
                    + "    16\n"
                    + "  ]\n"
                    + "}\n", text);
            JsonNode json = new ObjectMapper().readTree(text);
            assertEquals(e.byteCount(), json.get("byte_count").asLong());
        }
    }

    @Test
    void exportIsDeterministic() throws IOException {
        Path a = dir.resolve("det-a");
        Path b = dir.resolve("det-b");
        Files.createDirectories(a);
        Files.createDirectories(b);
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            CodebookExporter.export(f, Mrt2Dims.tiny(), "0".repeat(64), a);
            CodebookExporter.export(f, Mrt2Dims.tiny(), "0".repeat(64), b);
        }
        for (String name : List.of(CodebookExporter.BIN, CodebookExporter.SIDECAR)) {
            assertEquals(-1, Files.mismatch(a.resolve(name), b.resolve(name)), name);
        }
    }

    @Test
    void quantizerWithTheWrongShapeIsBadInput() {
        Path bad = dir.resolve("bad.safetensors");
        new SafetensorsWriter().addFloats(Mrt2Keys.QUANTIZER, List.of(2L, 3L, 4L), new float[24]).write(bad);
        try (SafetensorsFile f = SafetensorsFile.open(bad)) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> CodebookExporter.export(f, Mrt2Dims.tiny(), "0".repeat(64), dir));
            assertEquals("bad.safetensors: key '" + Mrt2Keys.QUANTIZER + "' has shape [2, 3, 4], expected [16, 32, 16]",
                    e.getMessage());
        }
    }
}
