package dev.mrt2.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * One {@code .npy} member of an npz archive, read from its (inflating) stream: the NPY header first, then exactly the
 * data bytes the header implies, then one byte more to prove nothing follows. So memory is bounded by what the header
 * declares: a small deflated member that inflates to gigabytes of zeros after an honest-looking header is refused
 * after reading one byte past its data, and one whose zip directory entry disagrees with its header is refused before
 * any data is inflated.
 */
final class NpzMember {
    private NpzMember() {}

    /**
     * Reads the member {@code in} (its uncompressed bytes); {@code source} names it in errors.
     *
     * @param declaredSize the zip directory's uncompressed size, or -1 when it gives none
     * @param declaredCrc  the zip directory's CRC-32, or -1 when it gives none
     */
    static NdArray read(String source, InputStream in, long declaredSize, long declaredCrc) throws IOException {
        CRC32 crc = new CRC32();
        InputStream member = new CheckedInputStream(in, crc);
        NpyLayout layout = NpyLayout.read(source, member, -1);
        long implied = layout.dataStart() + layout.dataBytes();
        if (declaredSize >= 0 && declaredSize != implied) {
            throw TensorFileException.of(source, "the zip directory says it holds " + declaredSize
                    + " bytes, its NPY header (" + layout.describe() + ") implies " + implied);
        }
        byte[] data = Npy.readData(source, "the member", member, layout);
        // java.util.zip.ZipFile does not check a member's CRC-32 (NumPy's zipfile does): changed bytes are corruption
        if (declaredCrc >= 0 && crc.getValue() != declaredCrc) {
            throw TensorFileException.of(source, String.format(Locale.ROOT,
                    "CRC-32 mismatch (the zip says %08x, the bytes give %08x): the archive is corrupt",
                    declaredCrc, crc.getValue()));
        }
        return Npy.decode(source, layout, ByteBuffer.wrap(data));
    }
}
