package dev.mrt2.host.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.io.BadInputException;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token frames files: errors describe the file's own dtype, not the kind it was read into. */
class TokenFramesTest {
    private static final int LEVELS = 12;
    private static final int CODEBOOK = 1024;

    @TempDir
    Path tmp;

    /** An .npy v1.0 file as NumPy writes it, of the given descr, with 8-byte elements from {@code values}. */
    private Path npy8(String name, String descr, int frames, long[] bits) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + frames + ", " + LEVELS + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (long v : bits) {
            b.putLong(v);
        }
        return Files.write(tmp.resolve(name), b.array());
    }

    @Test
    void aFloat64FileIsNamedFloat64NotTheF32ItWasReadInto() throws IOException {
        long[] bits = new long[51 * LEVELS];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Double.doubleToLongBits(6.0 + CODEBOOK * (i % LEVELS));
        }
        Path f64 = npy8("f64.npy", "<f8", 51, bits);
        BadInputException e = assertThrows(BadInputException.class, () -> TokenFrames.read(f64, LEVELS, CODEBOOK,
                false));
        assertEquals(f64 + ": float64 [51, 12], expected integer [frames, 12] unique token ids", e.getMessage());
    }

    @Test
    void aBoolFileIsNotTakenForCodes() {
        Path bools = tmp.resolve("b.npy");
        Npy.write(bools, NdArray.bool(new int[] {2, LEVELS}, new int[2 * LEVELS]));
        BadInputException e = assertThrows(BadInputException.class, () -> TokenFrames.read(bools, LEVELS, CODEBOOK,
                true));
        assertEquals(bools + ": bool [2, 12], expected integer [frames, 12] codes", e.getMessage());
    }

    @Test
    void int64UniqueIdsReadAsCodes() throws IOException {
        long[] ids = new long[2 * LEVELS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 6 + CODEBOOK * (i % LEVELS) + i;
        }
        int[][] codes = TokenFrames.read(npy8("i64.npy", "<i8", 2, ids), LEVELS, CODEBOOK, false);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, codes[0]);
        assertEquals(12, codes[1][0]);
    }
}
