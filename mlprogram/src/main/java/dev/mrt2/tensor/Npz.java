package dev.mrt2.tensor;

import dev.mrt2.io.AtomicFile;
import dev.mrt2.io.OsReason;
import dev.mrt2.tensor.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} archives: a zip whose members are {@code <name>.npy}. Reads stored ({@code np.savez}) and
 * deflated ({@code np.savez_compressed}) members, each bounded by its NPY header ({@link NpzMember}). Writes deterministically: members sorted by name, every entry
 * dated 1980-01-01 00:00:02, no extra fields, stored unless compression is asked for.
 */
public final class Npz {
    private Npz() {}

    /**
     * The earliest DOS timestamp java.util.zip writes without an extra field: it treats 1980-01-01 00:00:00 (NumPy's
     * stamp) as "before 1980" and then adds an extended timestamp computed in the default time zone.
     */
    public static final LocalDateTime ZIP_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0, 2);

    /** Every member, keyed by its name without {@code .npy}, sorted by name. */
    public static SortedMap<String, NdArray> read(Path file) {
        if (Files.isDirectory(file)) {
            throw TensorFileException.of(file.toString(), "is a directory, not an .npz file");
        }
        if (!Files.isRegularFile(file)) {
            throw TensorFileException.of(file.toString(), "no such file");
        }
        SortedMap<String, NdArray> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String member = e.getName();
                String source = file + ": member '" + member + "'";   // the path as given, as every error
                if (!member.endsWith(".npy")) {
                    throw TensorFileException.of(source, "is not an .npy member");
                }
                NdArray array;
                try (InputStream in = zip.getInputStream(e)) {
                    array = NpzMember.read(source, in, e.getSize(), e.getCrc());
                } catch (IOException ex) {
                    throw TensorFileException.of(source, "cannot be read (" + OsReason.of(ex) + ")", ex);
                }
                String name = member.substring(0, member.length() - ".npy".length());
                if (out.put(name, array) != null) {
                    throw TensorFileException.of(source, "appears twice");
                }
            }
        } catch (ZipException e) {
            throw TensorFileException.of(file.toString(), unreadableZip(e), e);
        } catch (IOException e) {
            throw TensorFileException.of(file.toString(), "cannot read: " + OsReason.of(e), e);
        }
        if (out.isEmpty()) {
            throw TensorFileException.of(file.toString(), "npz archive has no members");
        }
        return out;
    }

    /** Reads one member, failing with the member names present when it is absent. */
    public static NdArray member(Map<String, NdArray> npz, Path file, String name) {
        NdArray a = npz.get(name);
        if (a == null) {
            throw TensorFileException.of(file.toString(), "no member '" + name + ".npy' (has "
                    + npz.keySet() + ")");
        }
        return a;
    }

    /** Writes stored members like {@code np.savez}, atomically. */
    public static void write(Path file, Map<String, NdArray> arrays) {
        AtomicFile.write(file, bytes(arrays, false));
    }

    /** Writes deflated members like {@code np.savez_compressed}, atomically. */
    public static void writeCompressed(Path file, Map<String, NdArray> arrays) {
        AtomicFile.write(file, bytes(arrays, true));
    }

    /** The archive's bytes: a function of the arrays alone (no clock, no time zone, no map order). */
    public static byte[] bytes(Map<String, NdArray> arrays, boolean compress) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(buffer)) {
            zip.setLevel(Deflater.DEFAULT_COMPRESSION);
            for (Map.Entry<String, NdArray> a : new TreeMap<>(arrays).entrySet()) {
                byte[] npy = Npy.format(a.getValue());
                ZipEntry e = new ZipEntry(a.getKey() + ".npy");
                // setTimeLocal writes the DOS date as given; setTime would shift it by the default time zone.
                e.setTimeLocal(ZIP_EPOCH);
                if (compress) {
                    e.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(npy);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(npy.length);
                    e.setCompressedSize(npy.length);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(npy);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory zip failed", e);
        }
        return buffer.toByteArray();
    }

    /**
     * Why java.util.zip refused the archive. A member compressed with bzip2 (method 12) or LZMA (14), which Python's
     * zipfile can write and NumPy reads, is named as such: the JDK reports it as an "invalid CEN header".
     */
    static String unreadableZip(ZipException e) {
        String reason = OsReason.of(e);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bad compression method: (\\d+)").matcher(reason);
        if (m.find()) {
            String method = switch (m.group(1)) {
                case "12" -> "bzip2";
                case "14" -> "LZMA";
                default -> "compression method " + m.group(1);
            };
            return "a member is compressed with " + method + ", which this reader does not read (np.savez and "
                    + "np.savez_compressed write stored or deflated members)";
        }
        return "not a readable zip/npz archive (" + reason + ")";
    }
}
