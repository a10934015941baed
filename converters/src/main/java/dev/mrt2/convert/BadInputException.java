package dev.mrt2.convert;

/**
 * An input file the user gave is unusable (missing, wrong layout, malformed manifest). The message starts with the
 * file; the CLI reports it as "bad input" (exit 3) rather than as a failed job or a bug. It is an
 * IllegalArgumentException like {@code Mrt2Dims}' and {@code CheckpointException}'s checkpoint errors, so one rule
 * maps them all.
 */
public class BadInputException extends IllegalArgumentException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
