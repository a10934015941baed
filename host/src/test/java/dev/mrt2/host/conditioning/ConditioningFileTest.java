package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port's conditioning file pair: [F, S] little-endian float32 + mrt2-source-conditioning-v1 sidecar. */
class ConditioningFileTest {
    @TempDir
    Path dir;

    @Test
    void writtenRowsReadBackAndTheSidecarDescribesThem() throws Exception {
        float[][] rows = {{1, 2, 3, 4}, {-0.5f, 0, 0.25f, 8}};
        Path bin = dir.resolve("c.bin");
        String sha = ConditioningFile.write(bin, rows, Map.of("schema", ConditioningFile.SCHEMA,
                "shape", java.util.List.of(2, 4), "dtype", ConditioningFile.DTYPE));
        assertEquals(32, Files.size(bin));
        String json = Files.readString(dir.resolve("c.json"));
        assertTrue(json.contains("\"bin\": \"" + sha + "\""), json);
        float[][] back = ConditioningFile.read(bin, 4);
        assertArrayEquals(rows[0], back[0]);
        assertArrayEquals(rows[1], back[1]);
        assertArrayEquals(rows[1], ConditioningFile.read(dir.resolve("c.json"), 4)[1], "the .json names its bin");
    }

    @Test
    void thePortsPublishedFormatIsReadAsItIsWithoutASidecar() throws Exception {
        // test_vector_smooth_electronic.bin: [1, 256] little-endian float32, 1024 bytes, no sidecar needed
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 256; i++) {
            b.putFloat(i / 256f);
        }
        Path bin = Files.write(dir.resolve("test_vector_smooth_electronic.bin"), b.array());
        float[][] rows = ConditioningFile.read(bin, 256);
        assertEquals(1, rows.length);
        assertEquals(255 / 256f, rows[0][255]);
    }

    @Test
    void sizeShapeAndHashMismatchesAreBadInputNamingTheFile() throws Exception {
        Path bin = Files.write(dir.resolve("odd.bin"), new byte[1020]);
        BadInputException size = assertThrows(BadInputException.class, () -> ConditioningFile.read(bin, 256));
        assertTrue(size.getMessage().startsWith(bin + ": 1020 bytes is not a whole number of [256]"), size.getMessage());
        Path good = dir.resolve("w.bin");
        ConditioningFile.write(good, new float[][] {{1, 2}}, Map.of("shape", java.util.List.of(1, 2)));
        BadInputException width = assertThrows(BadInputException.class, () -> ConditioningFile.read(good, 256));
        assertTrue(width.getMessage().contains("rows of width 2, the models take 256"), width.getMessage());
        Files.write(good, new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0x40, 0x40});   // same size, 2.0 -> 3.0
        BadInputException hash = assertThrows(BadInputException.class, () -> ConditioningFile.read(good, 2));
        assertTrue(hash.getMessage().contains("differs from its sidecar's"), hash.getMessage());
        assertThrows(BadInputException.class, () -> ConditioningFile.read(dir.resolve("none.bin"), 2));
    }

    @Test
    void aNumpyFileIsReadAsRowsByItsMagicAndABadOneIsNamed() throws Exception {
        float[] values = {1, 2, 3, 4, -1, -2, -3, -4};
        Path npy = dir.resolve("rows.bin");   // the magic decides, not the name
        Npy.write(npy, NdArray.f32(new int[] {2, 4}, values));
        float[][] rows = ConditioningFile.read(npy, 4);
        assertArrayEquals(new float[] {1, 2, 3, 4}, rows[0]);
        assertArrayEquals(new float[] {-1, -2, -3, -4}, rows[1]);
        Npy.write(npy, NdArray.f32(new int[] {1, 2, 4}, values));
        assertEquals(2, ConditioningFile.read(npy, 4).length, "[1, F, S] as the port's batch of one");
        Npy.write(npy, NdArray.f32(new int[] {4}, new float[] {5, 6, 7, 8}));
        assertArrayEquals(new float[] {5, 6, 7, 8}, ConditioningFile.read(npy, 4)[0], "[S] is one row");

        Npy.write(npy, NdArray.i32(new int[] {2, 4}, new int[8]));
        BadInputException ints = assertThrows(BadInputException.class, () -> ConditioningFile.read(npy, 4));
        assertTrue(ints.getMessage().startsWith(npy + ": int32 [2, 4], expected float rows [4]"), ints.getMessage());
        Npy.write(npy, NdArray.f32(new int[] {2, 4}, new float[] {0, 0, Float.NaN, 0, 0, 0, 0, 0}));
        BadInputException nan = assertThrows(BadInputException.class, () -> ConditioningFile.read(npy, 4));
        assertTrue(nan.getMessage().contains("row 0 value 2 is NaN"), nan.getMessage());
    }

    @Test
    void aFolderIsNamedAsOne() {
        BadInputException e = assertThrows(BadInputException.class, () -> ConditioningFile.read(dir, 4));
        assertEquals(dir + ": is a directory", e.getMessage());
    }

    @Test
    void aSidecarAsPythonWritesItReadsAndAFractionalShapeIsRefused() throws Exception {
        // json.dump of the port's fields: shape through a float ([1.0, 2.0]), a timing that is NaN, no sha256
        Path bin = Files.write(dir.resolve("py.bin"), new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40});
        Path json = dir.resolve("py.json");
        Files.writeString(json, "{\"schema\": \"mrt2-source-conditioning-v1\", \"dtype\": \"float32-little-endian\","
                + " \"shape\": [1.0, 2.0], \"compile_seconds\": NaN, \"load_seconds\": Infinity}");
        assertArrayEquals(new float[] {1, 2}, ConditioningFile.read(bin, 2)[0]);
        // [0.5, 4.0] used to be read as [0, 4]; now it is not a shape
        Files.writeString(json, "{\"shape\": [0.5, 4.0]}");
        BadInputException half = assertThrows(BadInputException.class, () -> ConditioningFile.read(bin, 2));
        assertEquals(json + ": shape [0.5,4.0] is not [frames, width]", half.getMessage());
        // a second document after the first (json.load: "Extra data") used to pass unread
        Files.writeString(json, "{\"shape\": [1, 2]}{\"shape\": [9, 9]}");
        BadInputException two = assertThrows(BadInputException.class, () -> ConditioningFile.read(bin, 2));
        assertTrue(two.getMessage().startsWith(json + ": not JSON ("), two.getMessage());
    }
}
