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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The operating system's reason for a failed file operation, as a user reads it: "permission denied", "is a
 * directory", "no space left on device". Java spreads the reason over exception classes (AccessDeniedException carries
 * no text at all) and messages ("/x: Is a directory"); this puts it back into one lower-case phrase without a Java
 * class name, so every module reports the same words for the same failure.
 */
public final class OsReason {
    private OsReason() {}

    /** Exceptions whose class is the whole reason (AccessDeniedException carries no text), most specific first. */
    private static final Map<Class<? extends IOException>, String> BY_CLASS = new LinkedHashMap<>();

    static {
        BY_CLASS.put(AccessDeniedException.class, "permission denied");
        BY_CLASS.put(NoSuchFileException.class, "no such file or directory");
        BY_CLASS.put(FileAlreadyExistsException.class, "already exists");
        BY_CLASS.put(DirectoryNotEmptyException.class, "directory not empty");
        BY_CLASS.put(NotDirectoryException.class, "not a directory");
        BY_CLASS.put(NotLinkException.class, "not a symbolic link");
        BY_CLASS.put(FileSystemLoopException.class, "symbolic link loop");
        BY_CLASS.put(AtomicMoveNotSupportedException.class, "cannot be moved in one step (another file system?)");
        BY_CLASS.put(ClosedByInterruptException.class, "interrupted");
    }

    /** The reason alone, e.g. {@code "no space left on device"}. */
    public static String of(IOException e) {
        for (Map.Entry<Class<? extends IOException>, String> known : BY_CLASS.entrySet()) {
            if (known.getKey().isInstance(e)) {
                return known.getValue();
            }
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
