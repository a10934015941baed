package dev.mrt2.mil.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coreml-mlpackage.md §4: the MILBlob v2 layout, byte for byte. */
class WeightFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void recordLayoutsAre64Bytes() {
        assertEquals(64, BlobFormat.header(0).capacity());
        assertEquals(64, BlobFormat.metadata(2, 40, 64).capacity());
        assertEquals(128, BlobFormat.align64(65));
        assertEquals(64, BlobFormat.align64(64));
    }

    @Test
    void headerOnlyFileHasCountZeroAndVersion2() throws Exception {
        Path f = dir.resolve("weight.bin");
        try (WeightFileWriter w = WeightFileWriter.create(f)) {
            assertEquals(64, w.size());
        }
        byte[] expected = new byte[64];
        expected[4] = 2;
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    /** §4.7 (a): one fp32 blob 1..10, the weight.bin of example A-blob. */
    @Test
    void singleFp32BlobMatchesSection47a() throws Exception {
        Path f = dir.resolve("weight.bin");
        try (WeightFileWriter w = WeightFileWriter.create(f)) {
            assertEquals(64, w.append(TensorType.of(DataType.FLOAT32, 1, 10), floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
        }
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(168, bytes.length);
        assertEquals("0100000002000000", hex(bytes, 0, 8));
        assertEquals("efbeadde0200000028000000000000008000000000000000", hex(bytes, 64, 24));
        assertEquals("0000803f", hex(bytes, 128, 4));
        assertEquals("00002041", hex(bytes, 164, 4));
        assertEquals("e5b5a050b75af0cf7e7a37fb3436efef46d1e1942b73704d8c854c0ce6e9f10f", sha256(bytes));
    }

    /** §4.7 (b): fp32 x10, fp16 x3, int8 x11 at 64, 192, 320; zero gaps; 395 bytes, no trailing padding. */
    @Test
    void threeBlobsMatchSection47b() throws Exception {
        Path f = dir.resolve("weight.bin");
        try (WeightFileWriter w = WeightFileWriter.create(f)) {
            assertEquals(64, w.append(TensorType.of(DataType.FLOAT32, 10), floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
            assertEquals(192, w.append(TensorType.of(DataType.FLOAT16, 3), ByteBuffer.wrap(new byte[] {0, 0x38, 0, 0x3C, 0, 0x3E})));
            byte[] i8 = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11};
            assertEquals(320, w.append(TensorType.of(DataType.INT8, 11), ByteBuffer.wrap(i8)));
            assertEquals(3, w.count());
        }
        byte[] b = Files.readAllBytes(f);
        assertEquals(395, b.length);
        assertEquals("0300000002000000", hex(b, 0, 8));
        assertEquals("efbeadde01000000060000000000000000010000", hex(b, 0xC0, 20));
        assertEquals("00380" + "03c003e", hex(b, 0x100, 6));
        assertEquals("efbeadde040000000b000000000000008001000000000000", hex(b, 0x140, 24));
        assertEquals("01fe03fc05fa07f809f60b", hex(b, 0x180, 11));
        for (int i = 128 + 40; i < 0xC0; i++) assertEquals(0, b[i], "gap byte " + i);
        for (int i = 0x106; i < 0x140; i++) assertEquals(0, b[i], "gap byte " + i);
        try (WeightFileReader r = WeightFileReader.open(f, "weight.bin")) {
            assertEquals(3, r.records().size());
            assertEquals(320, r.records().get(2).metadataOffset());
            ByteBuffer half = r.read(192, TensorType.of(DataType.FLOAT16, 3));
            assertEquals(0x3C00, half.getShort(2));
        }
    }

    @Test
    void streamedChunksLandContiguously() throws Exception {
        Path f = dir.resolve("weight.bin");
        TensorType t = TensorType.of(DataType.FLOAT16, 4, 5);
        try (WeightFileWriter w = WeightFileWriter.create(f)) {
            long m = w.append(t, chunks -> {
                for (int row = 0; row < 4; row++) {
                    chunks.writeFloats(new float[] {row, row, row, row, 0.5f}, 0, 5);
                }
            });
            ByteBuffer back = w.read(m, t);
            assertEquals(40, back.remaining());
            assertEquals((short) 0x4200, back.getShort(2 * 15), "element [3, 0] = 3.0 as fp16");
            assertEquals((short) 0x3800, back.getShort(2 * 19), "element [3, 4] = 0.5 as fp16");
        }
    }

    @Test
    void shortStreamFailsAndLeavesTheFileAsItWas() throws Exception {
        Path f = dir.resolve("weight.bin");
        try (WeightFileWriter w = WeightFileWriter.create(f)) {
            w.append(TensorType.of(DataType.FLOAT32, 10), floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
            MilException e = assertThrows(MilException.class, () ->
                    w.append(TensorType.of(DataType.FLOAT32, 10), chunks -> chunks.writeFloats(new float[5], 0, 5)));
            assertTrue(e.getMessage().contains("got 20 bytes, expected 40"), e.getMessage());
            assertEquals(168, w.size());
            assertEquals(1, w.count());
        }
        assertEquals(168, Files.size(f));
    }

    @Test
    void longStreamFails() throws Exception {
        try (WeightFileWriter w = WeightFileWriter.create(dir.resolve("weight.bin"))) {
            assertThrows(MilException.class, () ->
                    w.append(TensorType.of(DataType.FLOAT32, 10), chunks -> chunks.writeFloats(new float[11], 0, 11)));
        }
    }

    @Test
    void rejectsTypesWithoutABlobCode() throws Exception {
        try (WeightFileWriter w = WeightFileWriter.create(dir.resolve("weight.bin"))) {
            assertThrows(MilException.class, () -> w.append(TensorType.of(DataType.BOOL, 16), ByteBuffer.allocate(16)));
        }
    }

    @Test
    void readChecksTheDeclaredType() throws Exception {
        try (WeightFileWriter w = WeightFileWriter.create(dir.resolve("weight.bin"))) {
            long m = w.append(TensorType.of(DataType.FLOAT32, 10), floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
            MilException e = assertThrows(MilException.class, () -> w.read(m, TensorType.of(DataType.FLOAT16, 20)));
            assertTrue(e.getMessage().contains("mil_dtype 2 does not match"), e.getMessage());
        }
    }

    private static ByteBuffer floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.flip();
    }

    private static String hex(byte[] b, int from, int len) {
        return HexFormat.of().formatHex(b, from, from + len);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
