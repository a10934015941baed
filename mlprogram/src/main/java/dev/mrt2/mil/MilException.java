package dev.mrt2.mil;

/** A graph that cannot be built (type or shape error), or a package that cannot be read. The message says which. */
public class MilException extends RuntimeException {
    public MilException(String message) {
        super(message);
    }

    public MilException(String message, Throwable cause) {
        super(message, cause);
    }
}
