package dev.mrt2.convert;

import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
    /** The dtypes a weight may have: float types widen to float32 on read; an integer or bool key is a broken file. */
    public static final Set<DType> FLOAT_DTYPES = EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.F64);

    /** Collects every tensor {@link #require}d on this thread while {@link #recording} runs (see there). */
    private static final ThreadLocal<List<CheckpointTensor>> RECORDING = new ThreadLocal<>();

    public CheckpointTensor {
        shape = List.copyOf(shape);
    }

    /**
     * Every tensor {@code loads} requires, in order. A converter's {@code load} is the one place that knows its keys
     * and shapes; recording it lets {@code convert} check what every requested piece reads before it writes anything,
     * without a second list of keys that could drift from the first.
     */
    public static List<CheckpointTensor> recording(Runnable loads) {
        List<CheckpointTensor> outer = RECORDING.get();
        List<CheckpointTensor> seen = new ArrayList<>();
        RECORDING.set(seen);
        try {
            loads.run();
        } finally {
            RECORDING.set(outer);
        }
        return seen;
    }

    /** Looks up {@code key} and checks its shape and dtype; fails naming the file and the key. */
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
        DType dtype = file.info(key).dtype();
        if (!FLOAT_DTYPES.contains(dtype)) {
            throw CheckpointException.wrongDtype(file.path(), key, dtype);
        }
        CheckpointTensor t = new CheckpointTensor(file, key, want);
        List<CheckpointTensor> recording = RECORDING.get();
        if (recording != null) {
            recording.add(t);
        }
        return t;
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
