package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package that copies constants an earlier package of the same run wrote must be byte for byte the package
 * converted on its own: the carry step after the temporal body (FP16, same weights), the FP32 rollout after the FP32
 * depth body.
 */
class SharedConstantsTest {
    @TempDir
    Path dir;

    @Test
    void copiedConstantsGiveTheBytesOfAConversionAlone() throws IOException {
        Path checkpoint = TinyCheckpoint.sharedCheckpoint();
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(f);
            SharedConstants shared = new SharedConstants();
            PackageExporter together = new PackageExporter(f, () -> TinyCheckpoint.SHA256, dir.resolve("together"),
                    shared);
            together.export(new TemporalConverter(dims));
            together.export(new DepthConverter(dims));
            int before = shared.copies();
            together.export(new TemporalCarryConverter(dims));
            together.export(DepthRolloutConverter.f32(dims));
            assertTrue(shared.copies() > before, "the later packages copied constants (" + shared.copies() + ")");

            PackageExporter alone = new PackageExporter(f, TinyCheckpoint.SHA256, dir.resolve("alone"));
            alone.export(new TemporalCarryConverter(dims));
            alone.export(DepthRolloutConverter.f32(dims));
        }
        List<String> files = ConvertDeterminismTest.relativeFiles(dir.resolve("alone"));
        assertEquals(8, files.size(), "files: " + files);
        for (String file : files) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("alone").resolve(file)),
                    Files.readAllBytes(dir.resolve("together").resolve(file)), file + " differs when its constants are copied");
        }
    }
}
