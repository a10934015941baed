package dev.mrt2.safetensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes safetensors bytes by hand (prefix, header text, data), independent of {@link SafetensorsWriter}. */
final class RawFile {
    private RawFile() {}

    /** u64 LE length of {@code header}, the header's UTF-8 bytes, then {@code data}. */
    static byte[] bytes(String header, byte[] data) {
        return bytes(header.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] bytes(byte[] header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    static Path write(Path dir, String name, String header, int dataBytes) throws IOException {
        return write(dir, name, bytes(header, new byte[dataBytes]));
    }
}
