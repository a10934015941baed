package dev.mrt2.io;

/**
 * An input file the user gave is unusable (missing, wrong layout, malformed manifest, values it must not hold). The
 * message starts with the file; the CLI reports it as "bad input" (exit 3) rather than as a failed job or a bug.
 * Every module throws this (or a subclass) for a bad input file, so one rule maps them all.
 */
public class BadInputException extends IllegalArgumentException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
