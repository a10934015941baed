package dev.mrt2.convert;

import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint tensor whose key and shape have been checked, read on demand. Converters collect these in their
 * {@code Weights} records first, so a bad checkpoint fails before any output exists, and then read one tensor at a
 * time while building, so the heap never holds more than the tensor being converted.
 *
 * @param file  the open checkpoint
 * @param key   full key, e.g. {@code params/depthformer/decoder/depth_body/final_ln/scale}
 * @param shape the checked shape
 */
public record CheckpointTensor(SafetensorsFile file, String key, List<Long> shape) {
    public CheckpointTensor {
        shape = List.copyOf(shape);
    }

    /** Looks up {@code key} and checks its shape; fails naming the file and the key. */
    public static CheckpointTensor require(SafetensorsFile file, String key, long... expected) {
        List<Long> want = new ArrayList<>(expected.length);
        for (long d : expected) {
            want.add(d);
        }
        if (!file.contains(key)) {
            throw CheckpointException.missingKey(file.path(), key, want);
        }
        List<Long> actual = file.info(key).shape();
        if (!actual.equals(want)) {
            throw CheckpointException.wrongShape(file.path(), key, actual, want);
        }
        return new CheckpointTensor(file, key, want);
    }

    /** The values as float32 in C order (a new array). */
    public float[] read() {
        return file.readFloats(key);
    }

    public int dim(int axis) {
        return Math.toIntExact(shape.get(axis));
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
