package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npz;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed fixtures {@code --seed-fixtures} names are reused as inputs for the full-size model only as §8.3 gives
 * them: a re-saved copy that is narrower, shorter, float16 or float32 where ids belong, or holds a NaN, is refused in
 * one line naming the file and member (it once failed as an index or state error, or was zero-padded or rounded
 * while the provenance still named the seed's values).
 */
class InputFactorySeedFilesTest {
    @TempDir
    Path tmp;

    /** np.save's bytes: v1.0 header padded with spaces to 64 bytes, then little-endian data. */
    private static byte[] npy(String descr, String shape, ByteBuffer data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data.array());
        return out.array();
    }

    /** Unique ids of {@code rows} x 12 levels of a 1024-entry codebook, code 5 at every level. */
    private static ByteBuffer ids(int rows, boolean asFloat) {
        ByteBuffer b = ByteBuffer.allocate(rows * 12 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * 12; i++) {
            int id = 6 + 1024 * (i % 12) + 5;
            if (asFloat) {
                b.putFloat(id);
            } else {
                b.putInt(id);
            }
        }
        return b;
    }

    private InputFactory factory(Path dir) {
        return new InputFactory(Mrt2Dims.small(), 20260718L, dir);
    }

    private static String refused(org.junit.jupiter.api.function.Executable run) {
        return assertThrows(BadInputException.class, run).getMessage();
    }

    @Test
    void generatedTokensMustBeInt32RowsOfIds() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tokens"));
        Path tokens = dir.resolve("generated_tokens_unique.npy");
        Files.write(tokens, npy("<i4", "(25, 12)", ids(25, false)));
        assertEquals(5, factory(dir).decoderCodes(25).codes()[24][11]);

        Files.write(tokens, npy("<f4", "(25, 12)", ids(25, true)));
        assertEquals(tokens + ": is f32[25, 12], expected i32[T >= 25, 12] to reuse its first 25 rows as codes "
                + "(mrt2-model.md §8.3)", refused(() -> factory(dir).decoderCodes(25)));

        Files.write(tokens, npy("<i4", "(10, 12)", ids(10, false)));
        assertEquals(tokens + ": is i32[10, 12], expected i32[T >= 25, 12] to reuse its first 25 rows as codes "
                + "(mrt2-model.md §8.3)", refused(() -> factory(dir).decoderCodes(25)));

        ByteBuffer wrong = ids(25, false);
        wrong.putInt(4 * 13, 5);   // row 1, level 1 holds a level-0 id
        Files.write(tokens, npy("<i4", "(25, 12)", wrong));
        assertEquals(tokens + ": holds 5 at [1, 1], not an id of level 1 (1030..2053)",
                refused(() -> factory(dir).decoderCodes(25)));
    }

    @Test
    void conditioningMustBeAFloat32RowOf256() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("unrolled"));
        Path file = dir.resolve("reference_temporal_unrolled.npz");
        Npz.write(file, Map.of("source_encoded", NdArray.f32(new int[] {1, 2, 100}, new float[200])));
        assertEquals(file + ": member 'source_encoded.npy': is f32[1, 2, 100], expected f32[1, N, 256] to reuse "
                + "it as an input (mrt2-model.md §8.3)", refused(() -> factory(dir).conditioning()));

        Npz.write(file, Map.of("source_encoded", NdArray.f16(new int[] {1, 2, 256}, new float[512])));
        assertEquals(file + ": member 'source_encoded.npy': is f16[1, 2, 256], expected f32[1, N, 256] to reuse "
                + "it as an input (mrt2-model.md §8.3)", refused(() -> factory(dir).conditioning()));
    }

    @Test
    void streamingInputsMustBeFiniteFloat32OfTheSeedShape() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("stream"));
        Path file = dir.resolve("temporal_streaming_carry_64.npz");
        float[] x = new float[64 * 1024];
        x[3 * 1024 + 7] = Float.NaN;
        Npz.writeCompressed(file, Map.of(
                "temporal_inputs", NdArray.f32(new int[] {64, 1, 1, 1024}, x),
                "source_encoded", NdArray.f32(new int[] {64, 1, 1, 256}, new float[64 * 256])));
        assertEquals(file + ": member 'temporal_inputs.npy': holds NaN at [3, 0, 0, 7] (an input's values must "
                + "all be finite)", refused(() -> factory(dir).temporalStream(64)));

        Npz.writeCompressed(file, Map.of(
                "temporal_inputs", NdArray.f32(new int[] {64, 1, 1, 1000}, new float[64 * 1000]),
                "source_encoded", NdArray.f32(new int[] {64, 1, 1, 256}, new float[64 * 256])));
        assertEquals(file + ": member 'temporal_inputs.npy': is f32[64, 1, 1, 1000], expected f32[64, 1, 1, 1024] "
                + "to reuse it as an input (mrt2-model.md §8.3)", refused(() -> factory(dir).temporalStream(64)));
    }
}
