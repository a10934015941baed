package dev.mrt2.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading .npy files from disk: errors name the path as given, and a wrong file is refused before its data is read. */
class NpyFileReadTest {
    private static final long THREE_GB = 3L << 30;

    @TempDir
    Path tmp;

    /** A v1.0 file with the given header dict, padded like NumPy's, and no data. */
    private static byte[] header(String dict) {
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        return b.put(text.getBytes(StandardCharsets.ISO_8859_1)).array();
    }

    /** {@code head}, then zeros up to {@code length} bytes without writing them (a sparse file). */
    private Path sparse(String name, byte[] head, long length) throws IOException {
        Path file = tmp.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(head);
            f.setLength(length);
        }
        return file;
    }

    private static String failure(Path file) {
        return assertThrows(TensorFileException.class, () -> Npy.read(file)).getMessage();
    }

    @Test
    void errorsNameThePathAsGivenNotItsBaseName() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("inputs"));
        Path obj = Files.write(dir.resolve("obj.npy"), header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"));
        assertTrue(failure(obj).startsWith(obj + ": unsupported NPY dtype '|O'"), failure(obj));
        Path missing = dir.resolve("absent.npy");
        assertEquals(missing + ": no such file", failure(missing));
        assertEquals(dir + ": is a directory, not an .npy file", failure(dir));
    }

    @Test
    void devNullIsAnEmptyFileNamedInFull() {
        Path devNull = Path.of("/dev/null");
        if (Files.exists(devNull)) {
            assertEquals("/dev/null: empty file, not an NPY file", failure(devNull));
        }
    }

    @Test
    void aHugeFileThatIsNotNpyIsRefusedFromItsFirstBytes() throws IOException {
        Path zeros = sparse("zeros.npy", new byte[0], THREE_GB);
        String message = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> failure(zeros));
        assertEquals(zeros + ": not an NPY file (missing the \\x93NUMPY magic)", message);
    }

    @Test
    void aHugeFileWhoseSizeDisagreesWithItsHeaderIsRefusedBeforeItsData() throws IOException {
        byte[] head = header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
        Path big = sparse("big.npy", head, THREE_GB);
        String message = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> failure(big));
        assertEquals(big + ": trailing bytes after the data: <f4 [2, 3] needs 24 bytes, the file has "
                + (THREE_GB - head.length), message);
    }

    @Test
    void dataBeyondWhatOneArrayHoldsIsRefusedBeforeItIsRead() throws IOException {
        byte[] head = header("{'descr': '<f4', 'fortran_order': False, 'shape': (805306368,), }");
        Path big = sparse("huge.npy", head, head.length + THREE_GB);   // exactly the size the header implies
        String message = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> failure(big));
        assertTrue(message.startsWith(big + ": <f4 [805306368] holds 3221225472 bytes of data, beyond the "),
                message);
    }

    @Test
    void aShapeWhoseElementCountOverflowsIsABadInputNotACrash() throws IOException {
        byte[] head = header("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 4), }");
        Path file = Files.write(tmp.resolve("overflow.npy"), head);
        assertTrue(failure(file).contains("has more elements than any file could hold"), failure(file));
    }

    @Test
    void contentsKeepTheFilesOwnDtype() throws IOException {
        ByteBuffer f8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-2);
        Path doubles = tmp.resolve("f64.npy");
        Files.write(doubles, concat(header("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }"),
                f8.array()));
        Npy.Contents c = Npy.readContents(doubles);
        assertEquals("float64 [1, 2]", c.describe());
        assertEquals(NdArray.Kind.F32, c.array().kind());
        assertArrayEquals(new float[] {1.5f, -2f}, c.array().floats());

        ByteBuffer i8 = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(7);
        Path longs = tmp.resolve("i64.npy");
        Files.write(longs, concat(header("{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }"), i8.array()));
        assertEquals("int64 [1]", Npy.readContents(longs).describe());
        assertEquals("uint8 [0]", Npy.readContents(Files.write(tmp.resolve("u1.npy"),
                header("{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }"))).describe());
    }

    @Test
    void aFileReadsTheSameAsItsBytes() throws IOException {
        NdArray a = NdArray.i32(new int[] {2, 2}, new int[] {1, -2, 3, -4});
        Path file = tmp.resolve("a.npy");
        Npy.write(file, a);
        assertArrayEquals(a.ints(), Npy.read(file).ints());
        assertArrayEquals(a.shape(), Npy.read(file).shape());
        assertEquals("int32 [2, 2]", Npy.readContents(file).describe());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
