package dev.mrt2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import dev.mrt2.safetensors.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A checkpoint taken apart for the fault suite: its tensors (dtype, shape, raw bytes) to rebuild variants with
 * {@link SafetensorsWriter} (a key dropped, a shape or dtype changed, a value poisoned), and its raw bytes for header
 * surgery the writer would never produce.
 */
final class CheckpointBytes {
    /** One tensor: raw little-endian bytes as stored. */
    record Tensor(DType dtype, List<Long> shape, byte[] data) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    final byte[] file;
    final Map<String, Tensor> tensors;

    private CheckpointBytes(byte[] file, Map<String, Tensor> tensors) {
        this.file = file;
        this.tensors = tensors;
    }

    static CheckpointBytes read(Path checkpoint) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            for (TensorInfo t : f.tensors()) {
                ByteBuffer data = f.data(t.name());
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                tensors.put(t.name(), new Tensor(t.dtype(), t.shape(), bytes));
            }
            return new CheckpointBytes(Files.readAllBytes(checkpoint), tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the tensors to edit and {@link #write}. */
    Map<String, Tensor> copy() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, t) -> out.put(k, new Tensor(t.dtype(), t.shape(), t.data().clone())));
        return out;
    }

    static Path write(Map<String, Tensor> tensors, Path target) {
        SafetensorsWriter w = new SafetensorsWriter();
        tensors.forEach((name, t) -> w.add(name, t.dtype(), t.shape(), dst -> dst.put(t.data())));
        w.write(target);
        return target;
    }

    /** Every F32 tensor re-encoded as {@code dtype} (F16, BF16 or F64); the values a float32 reader sees stay close. */
    Map<String, Tensor> as(DType dtype) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            ByteBuffer src = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
            int n = t.data().length / 4;
            ByteBuffer dst = ByteBuffer.allocate(n * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float v = src.getFloat(4 * i);
                switch (dtype) {
                    case F16 -> dst.putShort(Float16.fromFloat(v));
                    case BF16 -> dst.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                    case F64 -> dst.putDouble(v);
                    default -> throw new IllegalArgumentException(dtype.name());
                }
            }
            out.put(name, new Tensor(dtype, t.shape(), dst.array()));
        });
        return out;
    }

    /** The JSON header as an editable tree, in file order. */
    ObjectNode header() {
        try {
            return (ObjectNode) JSON.readTree(new String(file, 8, headerLength(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file with its header replaced by {@code edit(header)}, padded to 8 bytes, the data unchanged. */
    byte[] withHeader(Consumer<ObjectNode> edit) {
        ObjectNode h = header();
        edit.accept(h);
        return withHeaderText(h.toString());
    }

    byte[] withHeaderText(String json) {
        return withHeaderBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    byte[] withHeaderBytes(byte[] header) {
        int pad = (8 - header.length % 8) % 8;
        byte[] out = new byte[8 + header.length + pad + dataLength()];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length + pad);
        System.arraycopy(header, 0, out, 8, header.length);
        for (int i = 0; i < pad; i++) {
            out[8 + header.length + i] = ' ';
        }
        System.arraycopy(file, 8 + headerLength(), out, 8 + header.length + pad, dataLength());
        return out;
    }

    /** The file with its 8-byte length prefix replaced. */
    byte[] withHeaderLength(long length) {
        byte[] out = file.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return out;
    }

    int headerLength() {
        return (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    int dataLength() {
        return file.length - 8 - headerLength();
    }

    /** Element {@code index} of an F32 tensor set to {@code value}, in a fresh copy. */
    static Map<String, Tensor> poisoned(Map<String, Tensor> tensors, String key, int index, float value) {
        Tensor t = tensors.get(key);
        byte[] data = t.data().clone();
        int i = index < 0 ? data.length / t.dtype().byteSize() + index : index;
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> b.putFloat(4 * i, value);
            case F16 -> b.putShort(2 * i, Float16.fromFloat(value));
            case BF16 -> b.putShort(2 * i, (short) (Float.floatToRawIntBits(value) >>> 16));
            case F64 -> b.putDouble(8 * i, value);
            default -> throw new IllegalArgumentException(t.dtype().name());
        }
        Map<String, Tensor> out = new LinkedHashMap<>(tensors);
        out.put(key, new Tensor(t.dtype(), t.shape(), data));
        return out;
    }

    /** The tensors with {@code key}'s dtype label changed, bytes kept (same element size). */
    static Map<String, Tensor> relabelled(Map<String, Tensor> tensors, String key, DType dtype) {
        Map<String, Tensor> out = new LinkedHashMap<>(tensors);
        Tensor t = tensors.get(key);
        out.put(key, new Tensor(dtype, t.shape(), t.data()));
        return out;
    }

    /** The tensors with {@code key} reshaped to {@code shape}, with zero bytes of the right size. */
    static Map<String, Tensor> reshaped(Map<String, Tensor> tensors, String key, Long... shape) {
        Map<String, Tensor> out = new LinkedHashMap<>(tensors);
        Tensor t = tensors.get(key);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        out.put(key, new Tensor(t.dtype(), List.of(shape), new byte[(int) n * t.dtype().byteSize()]));
        return out;
    }

    static Map<String, Tensor> without(Map<String, Tensor> tensors, String key) {
        Map<String, Tensor> out = new LinkedHashMap<>(tensors);
        out.remove(key);
        return out;
    }

    /** The names in the file, in header order. */
    List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }
}
