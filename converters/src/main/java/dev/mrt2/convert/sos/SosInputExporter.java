package dev.mrt2.convert.sos;

import dev.mrt2.convert.CheckpointTensor;
import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The first frame's temporal input, {@code sqrt(D) Emb[0]} (mrt2-model.md §3.1: the previous frame is SOS, twelve
 * id-0 tokens), as {@code [1, 1, D]} little-endian float32 with a JSON sidecar. Every later temporal input is the
 * rollout package's {@code temporal_feedback}, so with this row a host runs the corrected generation without the
 * 50 MB embedding table.
 */
public final class SosInputExporter {
    public static final String BIN = "MRT2TemporalSosInput.f32.bin";
    public static final String SIDECAR = "MRT2TemporalSosInput.f32.json";
    public static final String SCHEMA = "mrt2-temporal-sos-input-v1";
    public static final String DTYPE = "little_endian_float32";

    /** What was exported: shape {@code [1, 1, D]}, bytes and hash. */
    public record Export(Path bin, Path sidecar, List<Long> shape, long byteCount, String sha256) {}

    private SosInputExporter() {}

    /** The one tensor the export reads: the token embedding {@code [V, D]}. */
    public static CheckpointTensor embedding(SafetensorsFile checkpoint, Mrt2Dims dims) {
        return CheckpointTensor.require(checkpoint, Mrt2Keys.EMBEDDING, dims.vocab(), dims.temporalDim());
    }

    public static Export export(SafetensorsFile checkpoint, Mrt2Dims dims, String checkpointSha256, Path outDir) {
        int d = dims.temporalDim();
        CheckpointTensor emb = embedding(checkpoint, dims);
        float[] row = sosRow(checkpoint, emb.key(), d);
        float scale = Mrt2Constants.embeddingScale(d);
        ByteBuffer bytes = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : row) {
            bytes.putFloat(scale * v);
        }
        byte[] data = bytes.array();
        String sha = Digests.sha256(data);
        Path bin = outDir.resolve(BIN);
        AtomicFile.write(bin, data);
        List<Long> shape = List.of(1L, 1L, (long) d);
        SortedMap<String, Object> sidecar = new TreeMap<>();
        sidecar.put("byte_count", data.length);
        sidecar.put("checkpoint_path", checkpoint.path().getFileName().toString());
        sidecar.put("checkpoint_sha256", checkpointSha256);
        sidecar.put("dtype", DTYPE);
        sidecar.put("embedding_key", Mrt2Keys.EMBEDDING);
        sidecar.put("formula", "sqrt(D) * embedding[" + Mrt2Constants.SOS_ID + "], the temporal_inputs of frame 0");
        sidecar.put("schema", SCHEMA);
        sidecar.put("sha256", sha);
        sidecar.put("shape", shape);
        Path json = outDir.resolve(SIDECAR);
        AtomicFile.write(json, SortedJson.write(sidecar).getBytes(StandardCharsets.UTF_8));
        return new Export(bin, json, shape, data.length, sha);
    }

    /** Row 0 of the {@code [V, D]} embedding: a slice of the mapping when F32, else the widened tensor's first row. */
    private static float[] sosRow(SafetensorsFile checkpoint, String key, int d) {
        float[] row = new float[d];
        if (checkpoint.info(key).dtype() == DType.F32) {
            checkpoint.data(key).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
        } else {
            System.arraycopy(checkpoint.readFloats(key), 0, row, 0, d);
        }
        return row;
    }
}
