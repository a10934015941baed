package dev.mrt2.convert;

import dev.mrt2.io.AtomicFile;
import dev.mrt2.mil.pkg.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The output folder's {@code MODELS.md}: every artifact (top-level package or file) with its size, then every file
 * with its size and SHA-256. Built from the folder's content, sorted by path, so the same files give the same bytes.
 * Hidden entries (staging directories, temp files), the index itself and the {@code excluded} top-level names (the
 * checksum manifest) are left out.
 */
public final class ArtifactIndex {
    public static final String FILE_NAME = "MODELS.md";

    private ArtifactIndex() {}

    /** One file: path relative to the output folder with {@code /}, size, sha256. */
    public record Entry(String path, long bytes, String sha256) {
        /** The top-level artifact the file belongs to (a package directory or the file itself). */
        String artifact() {
            int slash = path.indexOf('/');
            return slash < 0 ? path : path.substring(0, slash);
        }
    }

    /** Lists, hashes and writes {@code outDir/MODELS.md}. */
    public static List<Entry> write(Path outDir, Set<String> excluded) {
        return write(outDir, excluded, Map.of());
    }

    /**
     * Same, taking the digests in {@code known} (relative path -> sha256) for files this run has just written instead
     * of reading them again; every other file is hashed.
     */
    public static List<Entry> write(Path outDir, Set<String> excluded, Map<String, String> known) {
        List<Entry> entries = scan(outDir, excluded, known);
        AtomicFile.write(outDir.resolve(FILE_NAME), render(entries).getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    static List<Entry> scan(Path outDir, Set<String> excluded, Map<String, String> known) {
        TreeMap<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(outDir)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                String rel = outDir.relativize(p).toString().replace('\\', '/');
                boolean hidden = Stream.of(rel.split("/")).anyMatch(part -> part.startsWith("."));
                String top = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : rel;
                if (!hidden && !excluded.contains(top) && !top.equals(FILE_NAME)) {
                    files.put(rel, p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(outDir + ": cannot list: " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (var f : files.entrySet()) {
            String sha = known.get(f.getKey());
            try {
                long bytes = Files.size(f.getValue());
                entries.add(new Entry(f.getKey(), bytes, sha != null ? sha : Digests.sha256(f.getValue())));
            } catch (IOException e) {
                throw new UncheckedIOException(f.getValue() + ": " + e.getMessage(), e);
            }
        }
        return entries;
    }

    static String render(List<Entry> entries) {
        TreeMap<String, long[]> artifacts = new TreeMap<>();   // name -> {bytes, files}
        for (Entry e : entries) {
            long[] sum = artifacts.computeIfAbsent(e.artifact(), k -> new long[2]);
            sum[0] += e.bytes();
            sum[1]++;
        }
        StringBuilder md = new StringBuilder();
        md.append("# MRT2 Core ML artifacts\n\n");
        md.append("Written by `").append(ExportMetadata.TOOL).append(" convert` ").append(ExportMetadata.TOOL_VERSION)
                .append(". Each package's `*_export_metadata.json` names the source checkpoint and its sha256;\n")
                .append("the package contracts and the host protocol are in MODELS.md of the mrt2 repository.\n\n");
        md.append("| Artifact | Bytes | Files |\n| --- | ---: | ---: |\n");
        for (var a : artifacts.entrySet()) {
            md.append("| `").append(a.getKey()).append("` | ").append(a.getValue()[0]).append(" | ")
                    .append(a.getValue()[1]).append(" |\n");
        }
        md.append("\n| File | Bytes | SHA-256 |\n| --- | ---: | --- |\n");
        for (Entry e : entries) {
            md.append("| `").append(e.path()).append("` | ").append(e.bytes()).append(" | `").append(e.sha256())
                    .append("` |\n");
        }
        return md.toString();
    }
}
