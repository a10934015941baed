package dev.mrt2.safetensors;

import static dev.mrt2.safetensors.SafetensorsException.Kind.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per {@link SafetensorsException.Kind}, each with its bytes spelled out here. */
class SafetensorsFileErrorsTest {
    @TempDir
    Path dir;

    private static final String F32_2x2 = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    private SafetensorsException fails(Path file) {
        return assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
    }

    private SafetensorsException fails(String header, int dataBytes) throws IOException {
        return fails(RawFile.write(dir, "bad.safetensors", header, dataBytes));
    }

    private static void assertError(SafetensorsException e, SafetensorsException.Kind kind, String tensor,
                                     String fragment) {
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(tensor, e.tensor(), e.getMessage());
        assertTrue(e.getMessage().startsWith(e.file() + ": "), "message starts with the file: " + e.getMessage());
        if (tensor != null) {
            assertTrue(e.getMessage().contains("tensor '" + tensor + "': "), e.getMessage());
        }
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void missingFile() {
        SafetensorsException e = fails(dir.resolve("absent.safetensors"));
        assertError(e, IO, null, "no such file");
        assertTrue(e.getMessage().contains("absent.safetensors"));
    }

    @Test
    void directoryIsNotAFile() {
        assertError(fails(dir), IO, null, "is a directory, not a safetensors file");
    }

    @Test
    void headerTooSmall() throws IOException {
        assertError(fails(RawFile.write(dir, "short.safetensors", new byte[] {1, 0, 0, 0, 0})), HEADER_TOO_SMALL,
                null, "5 bytes is shorter than the 8-byte header length");
    }

    @Test
    void headerLengthAboveCap() throws IOException {
        byte[] b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001L).array();
        assertError(fails(RawFile.write(dir, "huge.safetensors", b)), HEADER_TOO_LARGE, null,
                "header length 100000001 is above the cap of 100000000 bytes");
    }

    @Test
    void headerLengthAboveSignedRangeIsTooLargeNotNegative() throws IOException {
        byte[] b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array();
        assertError(fails(RawFile.write(dir, "u64.safetensors", b)), HEADER_TOO_LARGE, null,
                "header length 18446744073709551615");
    }

    @Test
    void headerLongerThanFile() throws IOException {
        byte[] b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array();
        assertError(fails(RawFile.write(dir, "cut.safetensors", b)), HEADER_BEYOND_FILE, null,
                "header length 100 runs past the end of the 20-byte file");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xFF, '"', ':', '1', '}', ' '};
        assertError(fails(RawFile.write(dir, "utf.safetensors", RawFile.bytes(header, new byte[0]))), INVALID_UTF8,
                null, "header is not valid UTF-8");
    }

    @Test
    void malformedJson() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\"", 0), INVALID_JSON, null, "header is not valid JSON");
    }

    @Test
    void jsonAfterTheObjectIsRejected() throws IOException {
        assertError(fails("{} {}", 0), INVALID_JSON, null, "header is not valid JSON");
    }

    @Test
    void headerMustBeAnObject() throws IOException {
        assertError(fails("[1, 2]", 0), INVALID_JSON, null, "header is a JSON array, expected an object");
    }

    @Test
    void emptyHeader() throws IOException {
        assertError(fails("        ", 0), INVALID_JSON, null, "header is empty");
    }

    @Test
    void entryWithoutDtype() throws IOException {
        assertError(fails("{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), INVALID_JSON, "x",
                "missing string field 'dtype'");
    }

    @Test
    void entryWithoutShape() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), INVALID_JSON, "x",
                "missing array field 'shape'");
    }

    @Test
    void metadataValuesMustBeStrings() throws IOException {
        assertError(fails("{\"__metadata__\":{\"format\":1}}", 0), INVALID_JSON, null,
                "__metadata__ value of 'format' is not a string");
    }

    @Test
    void duplicateTensorName() throws IOException {
        String h = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertError(fails(h, 8), DUPLICATE_KEY, "x", "name occurs twice in the header");
    }

    @Test
    void duplicateFieldInsideAnEntry() throws IOException {
        String h = "{\"x\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertError(fails(h, 4), DUPLICATE_KEY, "x", "field 'dtype' occurs twice in its entry");
    }

    @Test
    void unknownDtype() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), UNSUPPORTED_DTYPE,
                "x", "unknown dtype 'F8'");
    }

    @Test
    void negativeDimension() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,8]}}", 8), INVALID_SHAPE,
                "x", "shape [-1,2] has a negative dimension");
    }

    @Test
    void fractionalDimension() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), INVALID_SHAPE,
                "x", "non-integer dimension");
    }

    @Test
    void dimensionBeyond64Bits() throws IOException {
        // the Rust reference's own attack: a dimension that fits u64 but not a Java long
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,18446744073709551614],\"data_offsets\":[0,16]}}", 16),
                SHAPE_OVERFLOW, "x", "dimension beyond 64 bits");
    }

    @Test
    void shapeProductOverflows() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", 16),
                SHAPE_OVERFLOW, "x", "overflows a 64-bit byte count");
    }

    @Test
    void byteCountOverflowsOnlyAfterTheDtypeSize() throws IOException {
        // 2^62 elements fit a long; 2^62 x 4 bytes do not
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,16]}}", 16),
                SHAPE_OVERFLOW, "x", "overflows a 64-bit byte count");
    }

    @Test
    void offsetsOutsideTheDataArea() throws IOException {
        assertError(fails(F32_2x2, 8), INVALID_OFFSETS, "x", "data_offsets [0, 16) outside the data area of 8 bytes");
    }

    @Test
    void offsetsReversed() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), INVALID_OFFSETS,
                "x", "end before they begin");
    }

    @Test
    void offsetsNotTwoIntegers() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}}", 4), INVALID_OFFSETS,
                "x", "are not two non-negative 64-bit integers");
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), INVALID_JSON,
                "x", "missing field 'data_offsets' of two integers");
    }

    @Test
    void sizeMismatch() throws IOException {
        SafetensorsException e = fails(RawFile.write(dir, "mrt2_small.safetensors",
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,4]}}", 4));
        assertError(e, SIZE_MISMATCH, "x", "data_offsets [0, 4) but F32 [2, 2] needs 16 bytes");
        assertEquals(dir.resolve("mrt2_small.safetensors") + ": tensor 'x': data_offsets [0, 4) but F32 [2, 2] needs 16 bytes",
                e.getMessage());
    }

    @Test
    void overlappingTensors() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        assertError(fails(h, 16), OVERLAP, "b", "data_offsets [8, 16) overlap tensor 'a' [0, 16)");
    }

    @Test
    void manyTensorsClaimingTheSameBytes() throws IOException {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < 10; i++) {
            h.append(i == 0 ? "" : ",").append("\"t").append(i)
                    .append("\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}");
        }
        assertError(fails(h.append("}").toString(), 16), OVERLAP, "t1", "overlap tensor 't0'");
    }

    @Test
    void gapBeforeFirstTensor() throws IOException {
        assertError(fails("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), GAP, "x",
                "leave bytes [0, 4) owned by no tensor");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertError(fails(h, 12), GAP, "b", "leave bytes [4, 8) owned by no tensor");
    }

    @Test
    void trailingBytes() throws IOException {
        assertError(fails(F32_2x2, 20), TRAILING_BYTES, null, "4 bytes after the last tensor");
    }

    @Test
    void fileOver2GiB() throws IOException {
        Path big = dir.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength((1L << 31) + 16);   // sparse: no disk blocks are written
        }
        assertError(fails(big), FILE_TOO_LARGE, null, "2147483664 bytes is over the 2 GiB");
    }

    @Test
    void unknownTensorLookup() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(RawFile.write(dir, "ok.safetensors", F32_2x2, 16))) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.info("y"));
            assertError(e, TENSOR_NOT_FOUND, "y", "not in the file");
            assertThrows(SafetensorsException.class, () -> f.readFloats("y"));
            assertFalse(f.contains("y"));
        }
    }
}
