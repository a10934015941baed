package dev.mrt2.mil.pkg;

import dev.mrt2.io.OsReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex, of files streamed through one buffer (weight.bin can be a gigabyte) and of bytes. */
public final class Digests {
    private Digests() {}

    public static String sha256(Path file) {
        MessageDigest md = newSha256();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);   // a heap buffer: the digest reads its array without a copy
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                md.update(buf.array(), 0, buf.position());
                buf.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + OsReason.of(e), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    /** A fresh SHA-256 digest, for callers that hash as they write. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
