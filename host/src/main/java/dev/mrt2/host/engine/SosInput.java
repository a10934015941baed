package dev.mrt2.host.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mrt2.convert.sos.SosInputExporter;
import dev.mrt2.host.conditioning.ConditioningFile;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.pkg.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code MRT2TemporalSosInput.f32.bin}, frame 0's temporal input {@code [1, 1, D]}, checked by its sidecar. */
final class SosInput {
    private SosInput() {}

    static float[] read(Path models, int modelDim) {
        Path bin = models.resolve(SosInputExporter.BIN);
        Path json = models.resolve(SosInputExporter.SIDECAR);
        if (!Files.isRegularFile(bin) || !Files.isRegularFile(json)) {
            throw new BadInputException(models + ": no " + SosInputExporter.BIN + " with its .json, frame 0's "
                    + "temporal input (convert the sos-input piece into this folder)");
        }
        byte[] bytes;
        JsonNode side;
        try {
            bytes = Files.readAllBytes(bin);
            side = JsonMapper.builder().build().readTree(Files.readAllBytes(json));
        } catch (IOException e) {
            throw new BadInputException(bin + ": cannot read: " + e.getMessage(), e);
        }
        if (bytes.length != 4 * modelDim) {
            throw new BadInputException(bin + ": " + bytes.length + " bytes, the temporal step takes [1, 1, "
                    + modelDim + "] float32 (" + 4 * modelDim + " bytes)");
        }
        String sha = side == null ? null : side.path("sha256").asText(null);
        if (sha != null && !sha.equalsIgnoreCase(Digests.sha256(bytes))) {
            throw new BadInputException(bin + ": sha256 differs from its sidecar's " + sha);
        }
        float[] row = new float[modelDim];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
        return row;
    }
}
