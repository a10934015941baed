package dev.mrt2.cli;

import dev.mrt2.mil.pkg.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything under a folder (every entry, hidden ones too, with the sha256 of each file) and the names beside it,
 * so a test can say "this folder is exactly as it was and nothing was left next to it".
 */
record FolderSnapshot(Path root, Map<String, String> entries, List<String> siblings) {
    static FolderSnapshot of(Path root) {
        Map<String, String> entries = new TreeMap<>();
        if (Files.exists(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.toList()) {
                    String rel = root.relativize(p).toString().replace('\\', '/');
                    entries.put(rel, Files.isRegularFile(p) ? Digests.sha256(p) : "dir");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new FolderSnapshot(root, entries, siblings(root));
    }

    /** The differences from {@code earlier}, one per line; empty when nothing changed. */
    String changesSince(FolderSnapshot earlier) {
        List<String> changes = new ArrayList<>();
        for (var e : earlier.entries.entrySet()) {
            String now = entries.get(e.getKey());
            if (now == null) {
                changes.add("gone: " + e.getKey());
            } else if (!now.equals(e.getValue())) {
                changes.add("changed: " + e.getKey());
            }
        }
        for (String k : entries.keySet()) {
            if (!earlier.entries.containsKey(k)) {
                changes.add("new: " + k);
            }
        }
        for (String s : siblings) {
            if (!earlier.siblings.contains(s)) {
                changes.add("new beside it: " + s);
            }
        }
        return String.join("\n", changes);
    }

    private static List<String> siblings(Path root) {
        Path parent = root.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(parent)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
