package dev.mrt2.convert.checksum;

import dev.mrt2.io.AtomicFile;
import dev.mrt2.io.BadInputException;
import dev.mrt2.io.OsReason;
import dev.mrt2.mil.pkg.FileDigests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A sha256 manifest of every file under a directory, in the format {@code sha256sum -c} reads:
 * one line per file, {@code <64 hex>  <relative/path>}, sorted by path (with {@code /} separators).
 * Packages are directories, so the walk is recursive. The manifest itself is never listed.
 */
public final class ChecksumManifest {
    public static final String DEFAULT_NAME = "SHA256SUMS";

    /** One manifest line. */
    public record Entry(String path, String sha256) {}

    private ChecksumManifest() {}

    /** Hashes every regular file under {@code dir} except {@code exclude} (may be null); sorted by path. */
    public static List<Entry> scan(Path dir, Path exclude) {
        return scan(dir, exclude, Map.of());
    }

    /**
     * Same, taking the digest from {@code known} (relative path -> sha256) for files the caller has just written and
     * hashed; every other file is read. Only for writing: verification always reads every file.
     */
    public static List<Entry> scan(Path dir, Path exclude, Map<String, String> known) {
        TreeMap<String, Path> files = files(dir, exclude);
        try (FileDigests digests = new FileDigests()) {
            files.forEach((name, file) -> {
                if (!known.containsKey(name)) {
                    digests.request(file);   // every file under way on all cores before the first wait
                }
            });
            List<Entry> out = new ArrayList<>();
            for (Map.Entry<String, Path> f : files.entrySet()) {
                String sha = known.get(f.getKey());
                out.add(new Entry(f.getKey(), sha != null ? sha : digests.sha256(f.getValue())));
            }
            return out;
        }
    }

    /** Scans {@code dir} and writes the manifest to {@code manifest} atomically; returns what it wrote. */
    public static List<Entry> write(Path dir, Path manifest) {
        return write(dir, manifest, Map.of());
    }

    /** {@link #write(Path, Path)} with digests the caller already knows (see {@link #scan(Path, Path, Map)}). */
    public static List<Entry> write(Path dir, Path manifest, Map<String, String> known) {
        List<Entry> entries = scan(dir, manifest, known);
        AtomicFile.write(manifest, text(entries).getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    /**
     * The manifest's text: one {@code <sha256>  <path>} line per entry, a name with a backslash, newline or carriage
     * return escaped exactly as sha256sum writes it (so {@code sha256sum -c} reads it back).
     */
    public static String text(List<Entry> entries) {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) {
            if (ManifestNames.needsEscape(e.path())) {
                text.append('\\').append(e.sha256()).append("  ").append(ManifestNames.escape(e.path()));
            } else {
                text.append(e.sha256()).append("  ").append(e.path());
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** Parses a manifest (see {@link ManifestParser}); a malformed line or a bad path is a {@link BadInputException}. */
    public static List<Entry> read(Path manifest) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(manifest))).toString();
        } catch (NoSuchFileException e) {
            throw new BadInputException(manifest + ": no such file", e);
        } catch (CharacterCodingException e) {
            throw new BadInputException(manifest + ": not UTF-8 text (a manifest is lines of '<sha256>  <path>')", e);
        } catch (IOException e) {
            throw new BadInputException(manifest + ": cannot read: " + OsReason.of(e), e);
        }
        return parse(manifest, text);
    }

    /** Parses manifest text read elsewhere (e.g. a resource); {@code manifest} names it in errors. */
    public static List<Entry> parse(Path manifest, String text) {
        return ManifestParser.parse(manifest.toString(), text);
    }

    /** Compares {@code dir} against {@code manifest}: every missing, extra and changed file, each list sorted. */
    public static Verification verify(Path manifest, Path dir) {
        return verify(manifest, read(manifest), dir);
    }

    /**
     * Compares {@code dir} against {@code expected}, the entries of {@code manifest}. The manifest itself is never an
     * extra file; an entry for it is skipped, not checked: a file cannot hold its own final hash, so the digest
     * listed is that of the file before it was complete ({@code sha256sum * > SHA256SUMS} writes such a line).
     */
    public static Verification verify(Path manifest, List<Entry> expected, Path dir) {
        Map<String, Path> actual = files(dir, manifest);
        String self = nameInside(dir, manifest);
        List<String> missing = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int matched = 0;
        try (FileDigests digests = new FileDigests()) {
            for (Entry e : expected) {
                Path file = actual.get(e.path());
                if (file != null) {
                    digests.request(file);
                }
            }
            for (Entry e : expected) {
                Path file = actual.remove(e.path());
                if (e.path().equals(self)) {
                    skipped.add(e.path());
                } else if (file == null) {
                    missing.add(e.path());
                } else if (!digests.sha256(file).equals(e.sha256())) {
                    changed.add(e.path());
                } else {
                    matched++;
                }
            }
        }
        return new Verification(manifest, dir, matched, missing, new ArrayList<>(actual.keySet()), changed, skipped);
    }

    /** The manifest's '/'-separated path relative to {@code dir}, or null when it lies outside. */
    private static String nameInside(Path dir, Path manifest) {
        Path root = dir.toAbsolutePath().normalize();
        Path file = manifest.toAbsolutePath().normalize();
        return file.startsWith(root) && !file.equals(root) ? relative(root, file) : null;
    }

    /**
     * The outcome of {@link #verify}; it passed when no file is missing, extra or changed. {@code skipped} holds the
     * manifest's own entry when it lists itself.
     */
    public record Verification(Path manifest, Path dir, int matched, List<String> missing, List<String> extra,
                               List<String> changed, List<String> skipped) {
        public Verification {
            missing = List.copyOf(missing);
            extra = List.copyOf(extra);
            changed = List.copyOf(changed);
            skipped = List.copyOf(skipped);
        }

        public boolean passed() {
            return missing.isEmpty() && extra.isEmpty() && changed.isEmpty();
        }

        /** One line naming every problem, e.g. {@code missing: a.bin; changed: b/c.bin}; names printable. */
        public String problems() {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) parts.add("missing: " + printable(missing));
            if (!changed.isEmpty()) parts.add("changed: " + printable(changed));
            if (!extra.isEmpty()) parts.add("extra: " + printable(extra));
            return String.join("; ", parts);
        }

        private static String printable(List<String> names) {
            return String.join(", ", names.stream().map(ManifestNames::printable).toList());
        }
    }

    /**
     * Regular files under {@code dir} keyed by '/'-separated relative path (sorted), without {@code exclude}. A
     * symbolic link to a file inside {@code dir} counts as that file's content under the link's name (as sha256sum
     * reads it); a link that leaves {@code dir} is refused, so a manifest never vouches for a file outside the
     * folder it describes (a link to /etc/passwd verified OK before). Links to folders are not walked: the files they
     * lead to are listed under their real path.
     */
    private static TreeMap<String, Path> files(Path dir, Path exclude) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": no such directory");
        }
        Path skip = exclude == null ? null : exclude.toAbsolutePath().normalize();
        TreeMap<String, Path> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            Path root = dir.toRealPath();
            walk.filter(p -> !p.toAbsolutePath().normalize().equals(skip))
                    .filter(p -> Files.isSymbolicLink(p) ? linkInside(dir, root, p) : Files.isRegularFile(p))
                    .forEach(p -> out.put(relative(dir, p), p));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + OsReason.of(e), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + OsReason.of(e.getCause()), e.getCause());
        }
        return out;
    }

    /** True for a link to a regular file inside {@code root}; false for a link to a folder; refuses the rest. */
    private static boolean linkInside(Path dir, Path root, Path link) {
        Path target;
        try {
            target = link.toRealPath();
        } catch (IOException e) {
            throw new BadInputException(ManifestNames.printable(link.toString()) + ": broken symbolic link ("
                    + OsReason.of(e) + ")");
        }
        if (!target.startsWith(root)) {
            throw new BadInputException(ManifestNames.printable(link.toString()) + ": symbolic link to "
                    + ManifestNames.printable(target.toString()) + ", outside " + dir + "; refusing to follow it");
        }
        return Files.isRegularFile(target);
    }

    private static String relative(Path dir, Path file) {
        List<String> parts = new ArrayList<>();
        for (Path p : dir.relativize(file)) {
            parts.add(p.toString());
        }
        return String.join("/", parts);
    }
}
