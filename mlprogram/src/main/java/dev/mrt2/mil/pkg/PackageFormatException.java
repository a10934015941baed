package dev.mrt2.mil.pkg;

import dev.mrt2.mil.MilException;

/** A .mlpackage on disk that cannot be read: bad input, as opposed to a graph we failed to build. */
public final class PackageFormatException extends MilException {
    public PackageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
