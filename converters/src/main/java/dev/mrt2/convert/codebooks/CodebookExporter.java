package dev.mrt2.convert.codebooks;

import dev.mrt2.convert.CheckpointTensor;
import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.AtomicFile;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The host gather table of mrt2-model.md §5: the first L levels ({@code L = dims.rvqLevels()}, 12 for the real
 * model) of {@code params/soundstream/quantizer/embedding [stored, C, E]} as little-endian float32 in C order
 * {@code [level][code][dim]}, plus a JSON sidecar.
 */
public final class CodebookExporter {
    public static final String BIN = "SpectroStreamRVQCodebooks.f32.bin";
    public static final String SIDECAR = "SpectroStreamRVQCodebooks.f32.json";
    public static final String SCHEMA = "spectrostream-rvq-codebooks-ios-v1";
    public static final String DTYPE = "little_endian_float32";

    /** What was exported: shape {@code [L, C, E]}, bytes and hashes. */
    public record Export(Path bin, Path sidecar, List<Long> shape, long byteCount, String sha256) {}

    private CodebookExporter() {}

    /** The codebook tensor {@code [stored levels, C, E]}, key, shape and dtype checked (values not read). */
    public static CheckpointTensor table(SafetensorsFile checkpoint, Mrt2Dims dims) {
        return CheckpointTensor.require(checkpoint, Mrt2Keys.QUANTIZER, dims.storedLevels(), dims.codebookSize(),
                dims.codebookDim());
    }

    public static Export export(SafetensorsFile checkpoint, Mrt2Dims dims, String checkpointSha256, Path outDir) {
        table(checkpoint, dims);
        TensorInfo q = checkpoint.info(Mrt2Keys.QUANTIZER);
        int levels = dims.rvqLevels();
        if (q.shape().get(0) < levels) {
            throw new BadInputException(checkpoint.path().getFileName() + ": key '" + q.name() + "' has shape "
                    + q.shape() + ", expected at least " + levels + " levels");
        }
        List<Long> shape = List.of((long) levels, q.shape().get(1), q.shape().get(2));
        ByteBuffer table = firstLevels(checkpoint, q, levels);
        long byteCount = table.remaining();
        String sha256 = HexFormat.of().formatHex(digest(table));

        Path bin = outDir.resolve(BIN);
        AtomicFile.write(bin, out -> {
            WritableByteChannel ch = Channels.newChannel(out);
            ByteBuffer b = table.duplicate();
            while (b.hasRemaining()) {
                ch.write(b);
            }
        });
        SortedMap<String, Object> sidecar = new TreeMap<>();
        sidecar.put("byte_count", byteCount);
        // the file name only: the absolute path would make the sidecar differ between machines
        sidecar.put("checkpoint_path", checkpoint.path().getFileName().toString());
        sidecar.put("checkpoint_sha256", checkpointSha256);
        sidecar.put("dtype", DTYPE);
        sidecar.put("quantizer_key", Mrt2Keys.QUANTIZER);
        sidecar.put("schema", SCHEMA);
        sidecar.put("sha256", sha256);
        sidecar.put("shape", shape);
        Path json = outDir.resolve(SIDECAR);
        AtomicFile.write(json, SortedJson.write(sidecar).getBytes(StandardCharsets.UTF_8));
        return new Export(bin, json, shape, byteCount, sha256);
    }

    /** Levels [0, levels) are a prefix of the level-major tensor: a slice of the mapping when already F32. */
    private static ByteBuffer firstLevels(SafetensorsFile checkpoint, TensorInfo q, int levels) {
        long elements = (long) levels * q.shape().get(1) * q.shape().get(2);
        if (q.dtype() == DType.F32) {
            return checkpoint.data(q.name()).slice(0, Math.toIntExact(elements * 4)).order(ByteOrder.LITTLE_ENDIAN);
        }
        float[] all = checkpoint.readFloats(q.name());   // other dtypes: widen, as every reference loader casts to F32
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(elements * 4)).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(all, 0, (int) elements);
        return out;
    }

    private static byte[] digest(ByteBuffer table) {
        MessageDigest md = Digests.newSha256();
        md.update(table.duplicate());
        return md.digest();
    }
}
