package dev.mrt2.safetensors;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private static SafetensorsWriter sample(boolean reversed, int threads) {
        SafetensorsWriter w = new SafetensorsWriter().threads(threads);
        Runnable[] adds = {
            () -> w.addFloats("b/weights", List.of(2L, 3L), new float[] {1, 2, 3, 4, 5, -6.5f}),
            () -> w.add("a/half", DType.F16, List.of(3L), dst -> {
                for (float v : new float[] {0.5f, -1f, 65504f}) dst.putShort(Float16.fromFloat(v));
            }),
            () -> w.add("c/ids", DType.I64, List.of(2L), dst -> dst.putLong(-3).putLong(1L << 40)),
            () -> w.add("d/flags", DType.BOOL, List.of(1L), dst -> dst.put((byte) 1)),
            () -> w.add("e/empty", DType.F32, List.of(0L), dst -> {}),
            () -> w.metadata("format", "pt"),
            () -> w.metadata("author", "test"),
        };
        for (int i = 0; i < adds.length; i++) {
            adds[reversed ? adds.length - 1 - i : i].run();
        }
        return w;
    }

    @Test
    void roundTrip() throws IOException {
        Path out = dir.resolve("rt.safetensors");
        long size = sample(false, 1).write(out);
        assertEquals(Files.size(out), size);
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, f.readFloats("b/weights"));
            assertEquals(List.of(2L, 3L), f.info("b/weights").shape());
            assertArrayEquals(new float[] {0.5f, -1f, 65504f}, f.readFloats("a/half"));
            assertEquals(-3L, f.data("c/ids").getLong(0));
            assertEquals(1L << 40, f.data("c/ids").getLong(8));
            assertArrayEquals(new float[] {1}, f.readFloats("d/flags"));
            assertEquals(0, f.info("e/empty").byteCount());
            assertEquals(List.of("author", "format"), List.copyOf(f.metadata().keySet()));
        }
    }

    @Test
    void headerIsPaddedToEightAndTensorsAreAlignedToTheirElementSize() throws IOException {
        Path out = dir.resolve("al.safetensors");
        sample(false, 1).write(out);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, n % 8, "header length " + n);
        String header = new String(b.array(), 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"author\":\"test\",\"format\":\"pt\"},\"a/half\":"), header);
        String json = header.stripTrailing();
        assertTrue(json.endsWith("}"), header);
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padded with spaces only");
        try (SafetensorsFile f = SafetensorsFile.open(out)) {
            for (TensorInfo t : f.tensors()) {
                assertEquals(0, t.begin() % t.dtype().byteSize(), t.name() + " at " + t.begin());
            }
            // widest dtype first: the I64 tensor leads the data area
            assertEquals(0, f.info("c/ids").begin());
        }
    }

    @Test
    void sameContentSameBytesWhateverTheCallOrderOrThreads() throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        sample(false, 1).write(a);
        sample(true, 4).write(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void failingFillLeavesNoOutputAndNoTempFile() throws IOException {
        Path out = dir.resolve("keep.safetensors");
        Files.writeString(out, "previous content");
        SafetensorsWriter w = new SafetensorsWriter().threads(2)
                .addFloats("ok", List.of(1L), new float[] {1})
                .add("boom", DType.F32, List.of(4L), dst -> {
                    throw new IllegalStateException("generator failed");
                });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.write(out));
        assertEquals("generator failed", e.getMessage());
        assertEquals("previous content", Files.readString(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "temp sibling removed");
        }
    }

    @Test
    void partialFillIsAnError() {
        SafetensorsWriter w = new SafetensorsWriter().add("short", DType.F32, List.of(2L), dst -> dst.putFloat(1f));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.write(dir.resolve("s.safetensors")));
        assertTrue(e.getMessage().contains("tensor 'short': fill wrote 4 of 8 bytes"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("s.safetensors")));
    }

    @Test
    void rejectsBadTensors() {
        SafetensorsWriter w = new SafetensorsWriter().addFloats("x", List.of(1L), new float[] {1});
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("x", List.of(1L), new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("__metadata__", List.of(1L), new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> w.add("neg", DType.F32, List.of(-1L, -2L), dst -> {}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.addFloats("y", List.of(3L), new float[] {1, 2}));
        assertTrue(e.getMessage().contains("shape [3] holds 3 floats, got 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.threads(0));
    }
}
