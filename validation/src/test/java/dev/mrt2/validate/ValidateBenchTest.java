package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/bench-validate}'s timing main on the tiny checkpoint: each row times the asked number of calls on
 * both sides, and the two sides agree, so the executor and the reference really did the same work. The decoder row
 * is left to the script's full-size run: converting and running even the tiny decoder would double this test's time.
 */
class ValidateBenchTest {
    @TempDir
    Path tmp;

    @Test
    void temporalAndDepthRowsTimeTheSameWorkOnBothSides() {
        Path checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, Mrt2Dims.tiny(), 7, 1);
        Path models = tmp.resolve("models");
        ConvertService.run(checkpoint, models, ConversionPieces.select(List.of("temporal", "depth")), s -> { });
        ValidateBench.Plan plan = ValidateBench.Plan.parse(new String[] {"--steps", "3", "--warmup", "1",
                "--repeats", "2", models.toString(), checkpoint.toString()});
        ValidateBench.Row temporal;
        ValidateBench.Row depth;
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            ValidateBench bench = new ValidateBench(plan, file);
            temporal = bench.temporal();
            depth = bench.depth();
        }

        assertEquals(3, temporal.executor().count());
        assertEquals(3, temporal.reference().count());
        // The FP16 package against the FP32 reference on the same rows and bias protocol: validate's gate figure.
        assertTrue(temporal.agreement().correlationOrNaN() >= 0.9999, temporal::line);
        assertEquals(2, depth.executor().count());
        assertEquals(2, depth.reference().count());
        assertTrue(depth.agreement().snrDb() >= 100, depth::line);
        for (ValidateBench.Row r : List.of(temporal, depth)) {
            assertTrue(r.executor().min() > 0 && r.reference().min() > 0, r::line);
            assertTrue(r.line().startsWith(r.work()), r::line);
        }
    }

    @Test
    void planNeedsModelsAndCheckpoint() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ValidateBench.Plan.parse(new String[] {"--steps", "3", "models"}));
        assertTrue(e.getMessage().startsWith("usage: ValidateBench"), e.getMessage());
    }
}
