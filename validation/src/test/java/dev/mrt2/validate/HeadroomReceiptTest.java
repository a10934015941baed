package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.io.Progress;
import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.validate.headroom.OpHeadroom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrt2 validate} on the tiny converted packages reports FP16 headroom for the fp16 package only. */
class HeadroomReceiptTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theFp16TemporalPackageGetsAHeadroomSectionAndTheFp32DepthPackageNone() throws IOException {
        Path checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, Mrt2Dims.tiny(), 7, 1);
        Path models = tmp.resolve("models");
        ConvertService.run(checkpoint, models, ConversionPieces.select(List.of("temporal", "depth")), 2, s -> { });
        Path receipts = tmp.resolve("receipts");
        List<String> log = new ArrayList<>();
        Validator.Run run = Validator.run(new Validator.Request(models, checkpoint, null, false, receipts, null,
                ValidationOptions.defaults().withSteps(42).withFrames(1)), log::add, Progress.NONE);
        assertTrue(run.passed(false), () -> "failed: " + run.failedGates());

        JsonNode temporal = JSON.readTree(receipts.resolve("MRT2TemporalBody_validation.json").toFile());
        assertEquals("float16", temporal.get("precision").asText());
        JsonNode headroom = temporal.get("fp16_headroom");
        JsonNode ops = headroom.get("ops");
        int fp16Ops = fp16Ops(models.resolve("MRT2TemporalBody.mlpackage"));
        assertEquals(fp16Ops, ops.size(), "one row per non-const op with an fp16 output");
        assertEquals(fp16Ops, headroom.get("ops_observed").asInt());
        assertEquals(0, headroom.get("flagged_ops").asInt());
        assertEquals(65504.0, headroom.get("limit").asDouble());
        for (int i = 0; i < ops.size(); i++) {
            JsonNode o = ops.get(i);
            double maxAbs = o.get("max_abs").asDouble();
            assertTrue(maxAbs <= 65504, o::toString);
            assertEquals(OpHeadroom.decibelsBelowLimit(maxAbs), db(o), 0.0, o::toString);
            if (i > 0) {
                JsonNode p = ops.get(i - 1);
                assertTrue(db(p) < db(o) || db(p) == db(o)
                        && p.get("op").asText().compareTo(o.get("op").asText()) < 0, "sorted at row " + i);
            }
        }

        String md = Files.readString(receipts.resolve("MRT2TemporalBody_validation.md"));
        String worst = "| `" + ops.get(0).get("op").asText() + "` | " + ops.get(0).get("type").asText() + " | ";
        assertTrue(md.contains("## FP16 headroom\n\n3 of " + fp16Ops + " fp16 ops"), md);
        assertTrue(md.contains(worst), md);
        assertTrue(md.contains("| `" + ops.get(2).get("op").asText() + "` |"), md);
        assertFalse(md.contains("| `" + ops.get(3).get("op").asText() + "` |"), "only the three worst: " + md);

        int heading = log.indexOf("  fp16 headroom below 65504, least of " + fp16Ops + " ops:");
        assertTrue(heading > 0, log::toString);
        for (int i = 0; i < 3; i++) {
            assertTrue(log.get(heading + 1 + i).startsWith("    " + ops.get(i).get("op").asText() + " ("),
                    log::toString);
        }
        assertEquals(1, log.stream().filter(l -> l.contains("fp16 headroom")).count(), "the fp32 package has none");

        JsonNode depth = JSON.readTree(receipts.resolve("MRT2DepthBody_validation.json").toFile());
        assertEquals("float32", depth.get("precision").asText());
        assertFalse(depth.has("fp16_headroom"));
        assertFalse(Files.readString(receipts.resolve("MRT2DepthBody_validation.md")).contains("FP16 headroom"));
    }

    private static double db(JsonNode row) {
        JsonNode d = row.get("headroom_db");
        return d.isTextual() ? Double.parseDouble(d.asText()) : d.asDouble();
    }

    private static int fp16Ops(Path pkg) {
        try (MlPackage p = MlPackageReader.read(pkg)) {
            int n = 0;
            for (Operation op : p.model().program().main().block().operations()) {
                if (!op.isConst() && op.outputs().stream().anyMatch(v -> v.type() instanceof TensorType t
                        && t.dataType() == DataType.FLOAT16)) {
                    n++;
                }
            }
            return n;
        }
    }
}
