package dev.mrt2.tensor;

import dev.mrt2.io.BadInputException;

/**
 * A fixture file that cannot be read or written; the message always starts with the file (and the member, if any).
 * A {@link BadInputException}, so the CLI reports it as a bad input file.
 */
public final class TensorFileException extends BadInputException {
    private TensorFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "<source>: <problem>"}, where source is a file name or {@code "file.npz: member 'x.npy'"}. */
    public static TensorFileException of(String source, String problem) {
        return new TensorFileException(source + ": " + problem, null);
    }

    public static TensorFileException of(String source, String problem, Throwable cause) {
        return new TensorFileException(source + ": " + problem, cause);
    }
}
