package dev.mrt2.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An archive whose member is compressed with a method java.util.zip does not read is named for that method. */
class NpzCompressionMethodTest {
    @TempDir
    Path dir;

    @Test
    void aBzip2OrLzmaMemberIsNamedAsSuch() throws Exception {
        byte[] zip = Npz.bytes(Map.of("x", NdArray.f32(new int[] {2}, new float[] {1, 2})), false);
        int central = NpzCrcTest.indexOf(zip, new byte[] {0x50, 0x4b, 0x01, 0x02});   // the central directory entry
        for (int[] method : new int[][] {{12, 0}, {14, 1}}) {
            byte[] patched = zip.clone();
            patched[central + 10] = (byte) method[0];   // compression method, little-endian u16
            patched[central + 11] = 0;
            Path file = Files.write(dir.resolve("m" + method[0] + ".npz"), patched);
            TensorFileException e = assertThrows(TensorFileException.class, () -> Npz.read(file));
            String name = method[1] == 0 ? "bzip2" : "LZMA";
            assertEquals(file + ": a member is compressed with " + name + ", which this reader does not read "
                    + "(np.savez and np.savez_compressed write stored or deflated members)", e.getMessage());
        }
    }
}
