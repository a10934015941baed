package dev.mrt2.io;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An output that cannot be written (a folder where a file goes, no permission, no space left, a folder held by another
 * writer). The message names the output and the operating system's reason; the CLI reports it as a failed job (exit
 * 1), never as bad input or a bug.
 */
public class OutputException extends UncheckedIOException {
    public OutputException(String message, IOException cause) {
        super(message, cause);
    }

    /** {@code "<output>: cannot write: <reason>"}, the reason from {@link OsReason}. */
    public static OutputException cannotWrite(Object output, IOException cause) {
        return new OutputException(output + ": cannot write: " + OsReason.of(cause), cause);
    }

    /** {@code "<output>: <problem>"} for a problem found before any write was tried. */
    public static OutputException of(Object output, String problem) {
        return new OutputException(output + ": " + problem, new IOException(problem));
    }
}
