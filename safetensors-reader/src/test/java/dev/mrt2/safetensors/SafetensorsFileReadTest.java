package dev.mrt2.safetensors;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading files written byte by byte here, following the published format, not by our writer. */
class SafetensorsFileReadTest {
    @TempDir
    Path dir;

    /**
     * Eight tensors of eight dtypes, listed in the header in non-sorted order, with metadata and the data laid out
     * in yet another order; every value is put by hand.
     */
    static byte[] independentFile() {
        ByteBuffer d = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        d.putDouble(0, -2.5);                                  // f64 [1]          [0, 8)
        d.putFloat(8, 1.5f).putFloat(12, -3.25f);              // f32 [2]          [8, 16)
        d.putFloat(16, 1e-3f).putFloat(20, 7f);                // f32b [1, 2]      [16, 24)
        d.putLong(24, -7L);                                    // i64 []           [24, 32)
        d.putInt(32, 123456);                                  // i32 [1]          [32, 36)
        d.putShort(36, (short) 0x3C00).putShort(38, (short) 0xC000); // f16 [2] = 1, -2   [36, 40)
        d.putShort(40, (short) 0x3F80).putShort(42, (short) 0x4049); // bf16 [2] = 1, 3.140625  [40, 44)
        d.put(44, (byte) 200).put(45, (byte) 7);               // u8 [2]           [44, 46)
        d.put(46, (byte) 1).put(47, (byte) 0);                 // bool [2]         [46, 48)
        // 16 bytes of a zero-size tensor and an I8 tensor
        d.put(48, (byte) -5);                                  // i8 [1]           [48, 49)
        byte[] data = Arrays.copyOf(d.array(), 49);
        String header = "{"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[44,46]},"
                + "\"f32\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
                + "\"__metadata__\":{\"zeta\":\"last\",\"format\":\"pt\"},"
                + "\"f64\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[24,32]},"
                + "\"f16\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[36,40]},"
                + "\"bool\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[46,48]},"
                + "\"f32b\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[16,24]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[32,36]},"
                + "\"bf16\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[40,44]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[48,48]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[48,49]}"
                + "}   ";   // whitespace padding, as writers use to align the data area
        return RawFile.bytes(header, data);
    }

    @Test
    void readsAnIndependentlyWrittenFile() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "hand.safetensors", independentFile()))) {
            assertEquals(List.of("bf16", "bool", "empty", "f16", "f32", "f32b", "f64", "i32", "i64", "i8", "u8"),
                    f.tensors().stream().map(TensorInfo::name).toList(), "sorted by name");
            assertEquals(List.of(Map.entry("format", "pt"), Map.entry("zeta", "last")),
                    List.copyOf(f.metadata().entrySet()), "metadata sorted by key");

            assertArrayEquals(new float[] {1.5f, -3.25f}, f.readFloats("f32"));
            assertArrayEquals(new float[] {1e-3f, 7f}, f.readFloats("f32b"));
            assertArrayEquals(new float[] {-2.5f}, f.readFloats("f64"));
            assertArrayEquals(new float[] {-7f}, f.readFloats("i64"));
            assertArrayEquals(new float[] {123456f}, f.readFloats("i32"));
            assertArrayEquals(new float[] {1f, -2f}, f.readFloats("f16"));
            assertArrayEquals(new float[] {1f, 3.140625f}, f.readFloats("bf16"));
            assertArrayEquals(new float[] {200f, 7f}, f.readFloats("u8"));
            assertArrayEquals(new float[] {1f, 0f}, f.readFloats("bool"));
            assertArrayEquals(new float[] {-5f}, f.readFloats("i8"));
            assertArrayEquals(new float[0], f.readFloats("empty"));

            TensorInfo t = f.info("f32b");
            assertEquals(DType.F32, t.dtype());
            assertEquals(List.of(1L, 2L), t.shape());
            assertArrayEquals(new int[] {1, 2}, t.intShape());
            assertEquals(2, t.elementCount());
            assertEquals(8, t.byteCount());
            assertEquals(16, t.begin());
            assertEquals(24, t.end());
            assertEquals(1, f.info("i64").elementCount(), "a scalar has one element");
            assertEquals(0, f.info("empty").byteCount());
        }
    }

    @Test
    void dataIsALittleEndianReadOnlyView() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "hand.safetensors", independentFile()))) {
            ByteBuffer b = f.data("f32");
            assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
            assertEquals(0, b.position());
            assertEquals(8, b.limit());
            assertEquals(-3.25f, b.getFloat(4));
            assertThrows(ReadOnlyBufferException.class, () -> b.putFloat(0, 1f));
        }
    }

    @Test
    void readFloatsIntoAnOffset() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "hand.safetensors", independentFile()))) {
            float[] dst = new float[5];
            f.readFloats("f32", dst, 3);
            assertArrayEquals(new float[] {0, 0, 0, 1.5f, -3.25f}, dst);
            assertThrows(IllegalArgumentException.class, () -> f.readFloats("f32", dst, 4));
        }
    }

    @Test
    void integersBeyondFloatPrecisionRoundToNearest() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putInt(-1).putInt(16777217);
        String h = "{\"u64\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"u32\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[12,16]}}";
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "ints.safetensors", RawFile.bytes(h, d.array())))) {
            assertArrayEquals(new float[] {0x1p64f}, f.readFloats("u64"));
            assertArrayEquals(new float[] {4294967295f}, f.readFloats("u32"));
            assertArrayEquals(new float[] {16777216f}, f.readFloats("i32"));
        }
    }

    @Test
    void emptyHeaderObjectIsAnEmptyFile() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "empty.safetensors", "{}", 0))) {
            assertTrue(f.tensors().isEmpty());
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void zeroSizeTensorAtTheVeryEnd() throws IOException {
        String h = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[1,1]}}";
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "end.safetensors", h, 1))) {
            assertEquals(0, f.data("z").remaining());
            assertArrayEquals(new float[0], f.readFloats("z"));
        }
    }

    @Test
    void tensorsDoNotNeedToFollowHeaderOrder() throws IOException {
        // b is listed first in the header but stored second
        String h = "{\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(2).array();
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "order.safetensors", RawFile.bytes(h, data)))) {
            assertArrayEquals(new float[] {1}, f.readFloats("a"));
            assertArrayEquals(new float[] {2}, f.readFloats("b"));
        }
    }

    /** Every strict prefix of a valid file is invalid, and must fail as a SafetensorsException, never anything else. */
    @Test
    void truncationSweep() {
        byte[] whole = independentFile();
        Path name = Path.of("cut.safetensors");
        for (int cut = 0; cut < whole.length; cut++) {
            ByteBuffer prefix = ByteBuffer.wrap(whole, 0, cut);
            int at = cut;
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.of(name, prefix),
                    "cut at " + at);
            assertTrue(e.getMessage().startsWith("cut.safetensors: "), e.getMessage());
        }
        assertEquals(11, SafetensorsFile.of(name, ByteBuffer.wrap(whole)).tensors().size());
    }

    /** The same sweep through real files and the mmap path, at a stride to keep it quick. */
    @Test
    void truncatedFilesOnDisk() throws IOException {
        byte[] whole = independentFile();
        for (int cut = 0; cut < whole.length; cut += 13) {
            Path p = RawFile.write(dir, "cut" + cut + ".safetensors", Arrays.copyOf(whole, cut));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p).close());
            assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        }
    }

    /** Overwriting any header byte with hostile values either still parses or fails with a named error. */
    @Test
    void headerCorruptionSweep() {
        byte[] whole = independentFile();
        // one byte from each class: string, object and array structure, digit, sign, invalid UTF-8
        byte[] hostile = {'"', '}', '[', '9', '-', (byte) 0xFF};
        Path name = Path.of("bad.safetensors");
        int failures = 0;
        for (int pos = 0; pos < whole.length - 49; pos++) {
            for (byte v : hostile) {
                byte[] bad = whole.clone();
                bad[pos] = v;
                try {
                    SafetensorsFile.of(name, ByteBuffer.wrap(bad));
                } catch (SafetensorsException expected) {
                    assertTrue(expected.getMessage().startsWith("bad.safetensors: "), expected.getMessage());
                    failures++;
                }
            }
        }
        assertTrue(failures > 0);
    }
}
