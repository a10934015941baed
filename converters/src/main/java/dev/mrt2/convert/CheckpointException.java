package dev.mrt2.convert;

import dev.mrt2.io.BadInputException;
import dev.mrt2.safetensors.DType;
import java.nio.file.Path;
import java.util.List;

/**
 * The checkpoint does not hold what a converter needs: a key is missing, has the wrong shape or dtype, or holds a value
 * the package cannot take (NaN, infinity, beyond FP16). The message starts with
 * the checkpoint's file name and names the key, e.g.
 * {@code mrt2_small.safetensors: missing key 'params/.../kernel' (expected [1024, 8, 128] F32)}.
 * It is a {@link BadInputException}, so the CLI maps it to the "bad input file" exit code.
 */
public final class CheckpointException extends BadInputException {
    private final String key;

    private CheckpointException(String message, String key) {
        super(message);
        this.key = key;
    }

    static CheckpointException missingKey(Path file, String key, List<Long> expected) {
        return new CheckpointException(file.getFileName() + ": missing key '" + key + "' (expected " + expected
                + " F32)", key);
    }

    static CheckpointException wrongShape(Path file, String key, List<Long> actual, List<Long> expected) {
        return new CheckpointException(file.getFileName() + ": key '" + key + "' has shape " + actual + ", expected "
                + expected, key);
    }

    static CheckpointException wrongDtype(Path file, String key, DType dtype) {
        return new CheckpointException(file.getFileName() + ": key '" + key + "' has dtype " + dtype
                + ", expected a float type (F32, F16, BF16 or F64)", key);
    }

    /** A value that is not finite, or (for an FP16 package) that FP16 cannot hold. */
    static CheckpointException badValue(Path file, String key, float value, String why) {
        return new CheckpointException(file.getFileName() + ": key '" + key + "': value " + value + " " + why, key);
    }

    /** A value found by the check before conversion: {@code value} is its text, {@code index} its position. */
    static CheckpointException badElement(Path file, String key, List<Long> index, String value, String why) {
        return new CheckpointException(file.getFileName() + ": key '" + key + "': value " + value + " at " + index
                + " " + why, key);
    }

    /** The checkpoint key to blame. */
    public String key() {
        return key;
    }
}
