package dev.mrt2.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small deflated member whose NPY header says {@code <f4 [1, 12, 64]} (3200 bytes in all) but which inflates to
 * 1 GiB more: refused from what the header declares, never inflated whole (it was: 2.7 GB resident for 3 GiB).
 */
class NpzInflateBombTest {
    /** 128 header bytes + 12 * 64 float32. */
    static final int IMPLIED = 128 + 12 * 64 * 4;
    static final long ZEROS = 1L << 30;

    @TempDir
    static Path dir;

    /** The bomb as written: the zip directory gives the member's true size (IMPLIED + 1 GiB). */
    static Path honest;
    /** The same bytes, its directory entry rewritten to the size the header implies. */
    static Path lying;

    @BeforeAll
    static void bombs() throws IOException {
        byte[] npy = Npy.format(NdArray.f32(new int[] {1, 12, 64}, new float[12 * 64]));
        assertEquals(IMPLIED, npy.length);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buffer)) {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry("depth_inputs.npy"));
            zip.write(npy);
            byte[] zeros = new byte[1 << 20];
            for (long n = 0; n < ZEROS; n += zeros.length) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        byte[] bytes = buffer.toByteArray();
        assertTrue(bytes.length < 8 << 20, "1 GiB of zeros deflates to a few MB: " + bytes.length);
        honest = Files.write(dir.resolve("honest.npz"), bytes);
        ByteBuffer cd = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int central = lastIndexOf(bytes, new byte[] {'P', 'K', 1, 2});
        assertEquals(IMPLIED + ZEROS, cd.getInt(central + 24) & 0xffffffffL, "the directory's uncompressed size");
        cd.putInt(central + 24, IMPLIED);
        lying = Files.write(dir.resolve("lying.npz"), bytes);
    }

    @Test
    void aDirectorySizeBeyondTheHeaderIsRefusedBeforeInflatingTheData() {
        TensorFileException e = assertThrows(TensorFileException.class, () -> Npz.read(honest));
        assertEquals(honest + ": member 'depth_inputs.npy': the zip directory says it holds " + (IMPLIED + ZEROS)
                + " bytes, its NPY header (<f4 [1, 12, 64]) implies " + IMPLIED, e.getMessage());
    }

    @Test
    void aMemberThatInflatesPastItsHeaderIsRefused() {
        TensorFileException e = assertThrows(TensorFileException.class, () -> Npz.read(lying));
        assertEquals(lying + ": member 'depth_inputs.npy': trailing bytes after the data: <f4 [1, 12, 64] needs "
                + "3072 bytes, the member has more", e.getMessage());
    }

    @Test
    void onlyTheHeaderTheDataAndOneByteMoreAreInflated() throws IOException {
        try (ZipFile zip = new ZipFile(lying.toFile())) {
            ZipEntry entry = zip.getEntry("depth_inputs.npy");
            Counting in = new Counting(zip.getInputStream(entry));
            assertThrows(TensorFileException.class,
                    () -> NpzMember.read("lying.npz: member 'depth_inputs.npy'", in, entry.getSize(), entry.getCrc()));
            assertEquals(IMPLIED + 1, in.count, "bytes inflated");
        }
        try (ZipFile zip = new ZipFile(honest.toFile())) {
            ZipEntry entry = zip.getEntry("depth_inputs.npy");
            Counting in = new Counting(zip.getInputStream(entry));
            assertThrows(TensorFileException.class,
                    () -> NpzMember.read("honest.npz: member 'depth_inputs.npy'", in, entry.getSize(), entry.getCrc()));
            assertEquals(128, in.count, "only the NPY preamble and header are inflated");
        }
    }

    @Test
    void anHonestMemberStillReads() throws IOException {
        float[] values = {1, 2, 3, 4, 5, 6};
        Path file = Files.write(dir.resolve("good.npz"),
                Npz.bytes(java.util.Map.of("x", NdArray.f32(new int[] {2, 3}, values)), true));
        assertArrayEquals(values, Npz.read(file).get("x").floats());
    }

    /** Counts the bytes a reader takes from {@code in}. */
    static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
