package dev.mrt2.host.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mrt2.convert.codebooks.CodebookExporter;
import dev.mrt2.host.conditioning.ConditioningFile;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.pkg.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host gather table {@code SpectroStreamRVQCodebooks.f32.bin} (mrt2-model.md §5, MODELS.md section 4):
 * {@code [L, C, E]} little-endian float32, checked against its sidecar (shape, byte count, sha256). A frame's decoder
 * embedding is the float32 sum of its L codes' rows, added in level order 0, 1, ..., L - 1 (§14.6).
 */
public final class CodebookTable {
    private final float[] table;
    private final int levels;
    private final int codebookSize;
    private final int dim;

    public CodebookTable(float[] table, int levels, int codebookSize, int dim) {
        if (table.length != (long) levels * codebookSize * dim) {
            throw new IllegalArgumentException("codebooks have " + table.length + " values, expected " + levels
                    + " x " + codebookSize + " x " + dim);
        }
        this.table = table;
        this.levels = levels;
        this.codebookSize = codebookSize;
        this.dim = dim;
    }

    /** Reads {@code DIR/SpectroStreamRVQCodebooks.f32.bin} with its sidecar. */
    public static CodebookTable read(Path models) {
        Path bin = models.resolve(CodebookExporter.BIN);
        Path json = models.resolve(CodebookExporter.SIDECAR);
        if (!Files.isRegularFile(bin) || !Files.isRegularFile(json)) {
            throw new BadInputException(models + ": no " + CodebookExporter.BIN + " with its .json (convert the "
                    + "codebooks piece into this folder)");
        }
        JsonNode side;
        byte[] bytes;
        try {
            side = JsonMapper.builder().build().readTree(Files.readAllBytes(json));
            bytes = Files.readAllBytes(bin);
        } catch (IOException e) {
            throw new BadInputException(json + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode shape = side == null ? null : side.get("shape");
        if (shape == null || !shape.isArray() || shape.size() != 3) {
            throw new BadInputException(json + ": no [levels, codes, dim] 'shape'");
        }
        int levels = shape.get(0).asInt();
        int codes = shape.get(1).asInt();
        int dim = shape.get(2).asInt();
        if (levels < 1 || codes < 1 || dim < 1 || (long) levels * codes * dim * 4 != bytes.length) {
            throw new BadInputException(bin + ": " + bytes.length + " bytes, its sidecar's shape " + shape + " needs "
                    + (long) levels * codes * dim * 4);
        }
        String sha = side.path("sha256").asText(null);
        if (sha != null && !sha.equalsIgnoreCase(Digests.sha256(bytes))) {
            throw new BadInputException(bin + ": sha256 differs from its sidecar's " + sha);
        }
        float[] table = new float[levels * codes * dim];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(table);
        return new CodebookTable(table, levels, codes, dim);
    }

    public int levels() {
        return levels;
    }

    public int codebookSize() {
        return codebookSize;
    }

    public int dim() {
        return dim;
    }

    /** {@code [E]}: the sum of {@code codes[l]}'s rows over the levels, in level order, float32. */
    public float[] embedding(int[] codes) {
        if (codes.length != levels) {
            throw new IllegalArgumentException(codes.length + " codes, the codebooks have " + levels + " levels");
        }
        float[] out = new float[dim];
        for (int l = 0; l < levels; l++) {
            int c = codes[l];
            if (c < 0 || c >= codebookSize) {
                throw new IllegalArgumentException("level " + l + ": code " + c + " outside 0.." + (codebookSize - 1));
            }
            int row = (l * codebookSize + c) * dim;
            for (int d = 0; d < dim; d++) {
                out[d] += table[row + d];
            }
        }
        return out;
    }
}
