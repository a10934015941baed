package dev.mrt2.validate.reference;

import dev.mrt2.io.BadInputException;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;

/** Reads checkpoint tensors as float32 after checking their shapes; errors name the file and the key. */
final class CheckpointReader {
    private final SafetensorsFile file;

    CheckpointReader(SafetensorsFile file) {
        this.file = file;
    }

    float[] read(String key, long... shape) {
        check(key, shape);
        return file.readFloats(key);
    }

    /** {@link #read} into {@code out} from {@code offset}. */
    void readInto(String key, float[] out, int offset, long... shape) {
        check(key, shape);
        file.readFloats(key, out, offset);
    }

    private void check(String key, long... shape) {
        String name = file.path().getFileName().toString();
        if (!file.contains(key)) {
            throw new BadInputException(name + ": missing key '" + key + "' (expected " + list(shape) + ")");
        }
        List<Long> actual = file.info(key).shape();
        if (!actual.equals(list(shape))) {
            throw new BadInputException(name + ": key '" + key + "' has shape " + actual + ", expected "
                    + list(shape));
        }
    }

    private static List<Long> list(long[] shape) {
        List<Long> out = new ArrayList<>(shape.length);
        for (long d : shape) {
            out.add(d);
        }
        return out;
    }
}
