package dev.mrt2.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member whose bytes no longer match its CRC-32 is rejected, as NumPy's zipfile does (java.util.zip.ZipFile would not). */
class NpzCrcTest {
    @TempDir
    Path dir;

    @Test
    void aChangedByteInAStoredMemberFailsItsCrc() throws Exception {
        float[] values = {1, 2, 3, 4};
        byte[] zip = Npz.bytes(Map.of("x", NdArray.f32(new int[] {4}, values)), false);
        Path good = Files.write(dir.resolve("good.npz"), zip);
        assertArrayEquals(values, Npz.read(good).get("x").floats(), "the untouched archive reads");

        byte[] bad = zip.clone();
        int data = indexOf(bad, new byte[] {0, 0, (byte) 0x80, 0x3f}) ;   // 1.0f, little-endian, inside x.npy
        bad[data + 3] ^= 0x01;
        Path file = Files.write(dir.resolve("bad.npz"), bad);
        BadInputException e = assertThrows(BadInputException.class, () -> Npz.read(file));
        assertTrue(e.getMessage().startsWith(file + ": member 'x.npy': CRC-32 mismatch (the zip says "), e.getMessage());
        assertTrue(e.getMessage().endsWith("): the archive is corrupt"), e.getMessage());
    }

    @Test
    void aFolderWhereTheArchiveShouldBeIsNamedAsSuch() {
        BadInputException e = assertThrows(BadInputException.class, () -> Npz.read(dir));
        assertEquals(dir + ": is a directory, not an .npz file", e.getMessage());
    }

    /** Where {@code needle} first occurs in {@code hay} (the npz tests patch archives by it). */
    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
