package dev.mrt2.mil.pkg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.UUID;

/**
 * Manifest item identifiers derived from the item path instead of coremltools' random UUIDs
 * (coreml-mlpackage.md §1.4): RFC 4122 version-5 UUIDs in the URL namespace of {@code "coreml-mlpackage:" + path},
 * upper case as Apple's libuuid prints them.
 */
public final class ItemIdentifiers {
    private static final UUID URL_NAMESPACE = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

    private ItemIdentifiers() {}

    public static String forPath(String itemPath) {
        return uuid5(URL_NAMESPACE, "coreml-mlpackage:" + itemPath).toString().toUpperCase(Locale.ROOT);
    }

    static UUID uuid5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16)
                .putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);   // version 5
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);   // RFC 4122 variant
        ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }
}
