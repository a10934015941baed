package dev.mrt2.host.conditioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.tensor.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The port's conditioning file pair (mrt2-model.md §7): {@code NAME.bin}, {@code [F, S]} little-endian float32 rows,
 * and {@code NAME.json}, a sidecar in schema {@code mrt2-source-conditioning-v1} whose {@code shape} is
 * {@code [F, S]}. The published {@code test_vector_smooth_electronic.bin} ({@code [1, 256]}, 1 024 bytes) is read as
 * it is, with or without its sidecar. A NumPy {@code .npy} of the same rows ({@code [S]}, {@code [F, S]} or
 * {@code [1, F, S]}, any float dtype) is read too: recognised by its magic, whatever its name, since read as raw
 * float32 its header would become the first rows.
 */
public final class ConditioningFile {
    public static final String SCHEMA = "mrt2-source-conditioning-v1";
    public static final String DTYPE = "float32-little-endian";

    private ConditioningFile() {}

    /** The sidecar beside a {@code .bin}: the same name with {@code .json} in place of {@code .bin}. */
    public static Path sidecarOf(Path bin) {
        String name = bin.getFileName().toString();
        String stem = name.endsWith(".bin") ? name.substring(0, name.length() - 4) : name;
        return bin.resolveSibling(stem + ".json");
    }

    /** The rows file a conditioning argument names: {@code NAME.bin} for {@code NAME.json}, else the file itself. */
    public static Path binOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? file.resolveSibling(name.substring(0, name.length() - 5) + ".bin") : file;
    }

    /** Writes {@code rows [F][S]} and the sidecar (keys sorted), each atomically; returns the bin's sha256. */
    public static String write(Path bin, float[][] rows, Map<String, Object> sidecar) {
        byte[] bytes = bytes(rows);
        String sha = Digests.sha256(bytes);
        Map<String, Object> json = new java.util.TreeMap<>(sidecar);
        json.put("sha256", Map.of("bin", sha));
        AtomicFile.write(bin, bytes);
        AtomicFile.write(sidecarOf(bin), SortedJson.write(json).getBytes(StandardCharsets.UTF_8));
        return sha;
    }

    /**
     * Reads {@code [F][S]} rows from a {@code .bin} (or from the {@code .json} naming it by the same stem). With a
     * sidecar, its schema, dtype, shape and sha256 must agree with the bin; without one, the bin must hold whole rows
     * of {@code sourceDim} values.
     */
    public static float[][] read(Path file, int sourceDim) {
        if (Files.isDirectory(file)) {
            throw new BadInputException(file + ": is a directory");
        }
        if (Npy.hasMagic(file)) {
            return NpyRows.read(file, sourceDim);
        }
        Path bin = binOf(file);
        byte[] bytes = readBytes(bin);
        Path json = sidecarOf(bin);
        if (Files.isRegularFile(json)) {
            checkSidecar(json, bin, bytes, sourceDim);
        }
        if (bytes.length == 0 || bytes.length % (4L * sourceDim) != 0) {
            throw new BadInputException(bin + ": " + bytes.length + " bytes is not a whole number of [" + sourceDim
                    + "] float32 rows (the models take source_encoded of width " + sourceDim + ")");
        }
        int frames = bytes.length / (4 * sourceDim);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] rows = new float[frames][sourceDim];
        for (int f = 0; f < frames; f++) {
            for (int j = 0; j < sourceDim; j++) {
                rows[f][j] = b.getFloat();
            }
        }
        requireFinite(bin, rows);
        return rows;
    }

    /** Every value finite, or a bad input naming the first that is not. */
    static void requireFinite(Path file, float[][] rows) {
        for (int f = 0; f < rows.length; f++) {
            for (int j = 0; j < rows[f].length; j++) {
                if (!Float.isFinite(rows[f][j])) {
                    throw new BadInputException(file + ": row " + f + " value " + j + " is " + rows[f][j]);
                }
            }
        }
    }

    private static void checkSidecar(Path json, Path bin, byte[] bytes, int sourceDim) {
        JsonNode root = SidecarJson.read(json);
        if (!root.isObject()) {
            throw new BadInputException(json + ": not a JSON object");
        }
        if (root.has("schema") && !SCHEMA.equals(root.get("schema").asText())) {
            throw new BadInputException(json + ": schema '" + root.get("schema").asText() + "', expected " + SCHEMA);
        }
        if (root.has("dtype") && !DTYPE.equals(root.get("dtype").asText())) {
            throw new BadInputException(json + ": dtype '" + root.get("dtype").asText() + "', expected " + DTYPE);
        }
        JsonNode shape = root.get("shape");
        if (shape != null) {
            // whole non-negative numbers (1.0 as Python may write it); 1.5 is not truncated to 1
            boolean pair = shape.isArray() && shape.size() == 2;
            OptionalInt frameCount = pair ? SidecarJson.integer(shape.get(0)) : OptionalInt.empty();
            OptionalInt widthCount = pair ? SidecarJson.integer(shape.get(1)) : OptionalInt.empty();
            if (frameCount.isEmpty() || widthCount.isEmpty() || frameCount.getAsInt() < 0
                    || widthCount.getAsInt() < 0) {
                throw new BadInputException(json + ": shape " + shape + " is not [frames, width]");
            }
            int frames = frameCount.getAsInt();
            int width = widthCount.getAsInt();
            if (width != sourceDim) {
                throw new BadInputException(json + ": rows of width " + width + ", the models take " + sourceDim);
            }
            if ((long) frames * width * 4 != bytes.length) {
                throw new BadInputException(bin + ": " + bytes.length + " bytes, its sidecar's shape " + shape
                        + " needs " + (long) frames * width * 4);
            }
        }
        JsonNode sha = root.path("sha256").get("bin");
        if (sha != null && sha.isTextual() && !sha.asText().equalsIgnoreCase(Digests.sha256(bytes))) {
            throw new BadInputException(bin + ": sha256 " + Digests.sha256(bytes) + " differs from its sidecar's "
                    + sha.asText());
        }
    }

    private static byte[] readBytes(Path bin) {
        if (!Files.isRegularFile(bin)) {
            throw new BadInputException(bin + (Files.isDirectory(bin) ? ": is a directory" : ": no such file"));
        }
        try {
            return Files.readAllBytes(bin);
        } catch (IOException e) {
            throw new BadInputException(bin + ": cannot read: " + e.getMessage(), e);
        }
    }

    static byte[] bytes(float[][] rows) {
        int width = rows[0].length;
        ByteBuffer b = ByteBuffer.allocate(rows.length * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            for (float v : row) {
                b.putFloat(v);
            }
        }
        return b.array();
    }
}
