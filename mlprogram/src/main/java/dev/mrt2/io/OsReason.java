package dev.mrt2.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/**
 * The operating system's reason for a failed file operation, as a user reads it: "permission denied", "is a
 * directory", "no space left on device". Java spreads the reason over exception classes (AccessDeniedException carries
 * no text at all) and messages ("/x: Is a directory"); this puts it back into one lower-case phrase without a Java
 * class name, so every module reports the same words for the same failure.
 */
public final class OsReason {
    private OsReason() {}

    /** The reason alone, e.g. {@code "no space left on device"}. */
    public static String of(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof NotLinkException) {
            return "not a symbolic link";
        }
        if (e instanceof FileSystemLoopException) {
            return "symbolic link loop";
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return "cannot be moved in one step (another file system?)";
        }
        if (e instanceof ClosedByInterruptException) {
            return "interrupted";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return phrase(f.getReason());
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "input/output error";
        }
        return phrase(message);
    }

    /** The reason of an {@link UncheckedIOException}'s cause. */
    public static String of(UncheckedIOException e) {
        return of(e.getCause());
    }

    /**
     * {@code "<file>: <reason>"}, naming the file the operation failed on when the exception knows it, else
     * {@code what}.
     */
    public static String describe(Object what, IOException e) {
        Object file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : what;
        return file + ": " + of(e);
    }

    // "No space left on device" -> "no space left on device"; keeps acronyms ("EOF reached") as they are.
    private static String phrase(String text) {
        String t = text.strip();
        if (t.length() > 1 && Character.isUpperCase(t.charAt(0)) && !Character.isUpperCase(t.charAt(1))) {
            return t.substring(0, 1).toLowerCase(Locale.ROOT) + t.substring(1);
        }
        return t;
    }
}
