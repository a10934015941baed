package dev.mrt2.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Deleting a folder with everything in it, without following symbolic links out of it. */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code root} and, when it is a real directory, everything under it; nothing when it is absent. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                for (Path p : entries) {
                    delete(p);
                }
            }
        }
        Files.delete(root);
    }
}
