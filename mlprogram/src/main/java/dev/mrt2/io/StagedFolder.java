package dev.mrt2.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a set of entries (files and package folders) into an output folder as one transaction: after any failure,
 * disk-full or {@code kill -9}, the folder holds either everything it held before or everything of the new run, never
 * a mix and never a half-written file. Layout, beside the output folder {@code OUT} (on its file system, so every
 * move below is a rename):
 *
 * <pre>
 * .OUT.mrt2-lock             {@link FolderLock}: one writer at a time, named by pid to the second one (it stays)
 * .OUT.mrt2-staging/new/     every entry of this run, written here first
 * .OUT.mrt2-staging/old/     entries of OUT that the commit displaced (same names)
 * .OUT.mrt2-staging/COMMIT   the names to move in, written only once new/ is complete: the commit point
 * </pre>
 *
 * Before the commit point, {@code OUT} is never touched, and a failed run deletes the staging folder. After it, each
 * name is moved in (the entry it replaces moved aside first); a run killed during those renames is finished by the
 * next run on the same folder, which reads COMMIT and completes the moves before doing anything else (roll forward).
 * A staging folder without COMMIT is an interrupted run and is simply deleted. When {@code OUT} does not exist yet,
 * the commit is the single rename of {@code new/} onto it. Entries of {@code OUT} this run does not write stay as
 * they are. A folder on another file system than its parent (a mount point) keeps its staging folder inside itself
 * ({@code OUT/.mrt2-staging}), since nothing can be renamed across file systems.
 */
public final class StagedFolder implements AutoCloseable {
    static final String COMMIT = "COMMIT";
    /** Temporaries older mrt2 versions left in the folder itself when killed: {@code .X.tmp-N}, {@code .X.tmp-PID-N}. */
    private static final Pattern LEGACY_TEMP = Pattern.compile("\\..+\\.tmp-[0-9]+(-[0-9]+|\\.old)?");

    private final Path shown;
    private final Path folder;
    private final Path work;
    private final Path fresh;
    private final Path displaced;
    private final FolderLock lock;
    private final Path lockFile;
    private final List<Path> createdDirs;
    private final Consumer<String> log;
    private final Map<String, Rule> rules = new TreeMap<>();
    private boolean committed;
    private boolean keepWork;

    /** What may be replaced at a name: a file, or a directory the caller recognises as one of its own. */
    private record Rule(boolean directory, String what, Predicate<Path> ours) {}

    private StagedFolder(Path shown, Path folder, Path work, FolderLock lock, Path lockFile, List<Path> createdDirs,
                         Consumer<String> log) {
        this.shown = shown;
        this.folder = folder;
        this.work = work;
        this.fresh = work.resolve("new");
        this.displaced = work.resolve("old");
        this.lock = lock;
        this.lockFile = lockFile;
        this.createdDirs = createdDirs;
        this.log = log;
    }

    /**
     * Locks {@code out} (failing with an {@link OutputException} that names the other writer's pid), finishes or
     * removes whatever an interrupted run left, and returns the transaction. {@code log} hears about that cleanup.
     */
    public static StagedFolder open(Path out, Consumer<String> log) {
        Path folder = resolve(out);
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw OutputException.of(out, "exists and is not a directory");
        }
        Path parent = folder.getParent();
        if (parent == null) {
            throw OutputException.of(out, "cannot be an output folder (it has no parent folder)");
        }
        boolean inside = Files.isDirectory(folder) && !sameFileSystem(folder, parent);
        Path base = inside ? folder : parent;
        String prefix = inside ? ".mrt2" : "." + folder.getFileName() + ".mrt2";
        List<Path> created = createDirectories(out, base);
        Path lockFile = base.resolve(prefix + "-lock");
        FolderLock lock;
        try {
            lock = FolderLock.acquire(lockFile, out);
        } catch (RuntimeException e) {
            removeEmpty(created);
            throw e;
        }
        StagedFolder tx = new StagedFolder(out, folder, base.resolve(prefix + "-staging"), lock, lockFile, created,
                log);
        try {
            tx.recover();
            tx.removeLegacyTemps();
        } catch (RuntimeException e) {
            tx.close();
            throw e;
        }
        return tx;
    }

    /** The output folder, absolute, with symbolic links resolved. */
    public Path folder() {
        return folder;
    }

    /** The empty folder this run writes its entries into (created on first call). */
    public Path staging() {
        try {
            Files.createDirectories(fresh);
        } catch (IOException e) {
            throw OutputException.cannotWrite(shown, e);
        }
        return fresh;
    }

    /**
     * Fails with an {@link OutputException} unless {@code name} in the output folder is absent or may be replaced: a
     * regular file for a file entry, or for a directory entry an empty directory or one {@code ours} recognises
     * ({@code what} names it in the message, e.g. "a .mlpackage"). Call it before the long work; the commit checks
     * again.
     */
    public void requireReplaceable(String name, boolean directory, String what, Predicate<Path> ours) {
        Rule rule = new Rule(directory, what, ours);
        rules.put(name, rule);
        check(name, rule);
    }

    /** The output folder's entries (top level, sorted) that are not this run's and not hidden. */
    public List<String> otherEntries(List<String> ours) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !ours.contains(n))
                    .sorted().toList();
        } catch (IOException e) {
            throw OutputException.cannotWrite(shown, e);
        }
    }

    /** Moves every entry of {@link #staging()} into the output folder, replacing entries of the same name. */
    public void commit() {
        List<String> names = list(fresh);
        for (String name : names) {
            boolean dir = Files.isDirectory(fresh.resolve(name), LinkOption.NOFOLLOW_LINKS);
            check(name, rules.getOrDefault(name, new Rule(dir, dir ? "an empty directory" : "a file", p -> false)));
        }
        try {
            if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                FaultPoint.reach("commit.rename");
                Files.move(fresh, folder, StandardCopyOption.ATOMIC_MOVE);
                committed = true;
            } else {
                AtomicFile.write(work.resolve(COMMIT), (String.join("\n", names) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                FaultPoint.reach("commit.journal");
                moveIn(names, true);
                committed = true;
                FaultPoint.reach("commit.moved");
            }
        } catch (IOException e) {
            throw OutputException.cannotWrite(shown, e);
        }
        deleteWork();
        FaultPoint.reach("commit.cleaned");
    }

    /** Deletes the staging folder unless the run committed (or must be finished by the next one); unlocks. */
    @Override
    public void close() {
        boolean abandoned = !committed && !keepWork;
        try {
            if (abandoned) {
                deleteWork();
            }
        } finally {
            lock.close();
            if (abandoned && !createdDirs.isEmpty()) {
                // a failed run into folders it had to create leaves none of them; the lock file goes too, which
                // only a second writer on the same brand-new path at the same moment could notice
                try {
                    Files.deleteIfExists(lockFile);
                } catch (IOException ignored) {
                    // then the folders stay, holding the lock file
                }
                removeEmpty(createdDirs);
            }
        }
    }

    private void check(String name, Rule rule) {
        Path existing = folder.resolve(name);
        if (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path shownEntry = shown.resolve(name);
        if (Files.isSymbolicLink(existing)) {
            throw OutputException.of(shownEntry, "is a symbolic link; refusing to replace it");
        }
        boolean isDir = Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS);
        boolean fits = rule.directory() ? isDir && (isEmpty(existing) || rule.ours().test(existing))
                : Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS);
        if (!fits) {
            throw OutputException.of(shownEntry, "exists and is not " + rule.what() + "; refusing to replace it");
        }
    }

    /**
     * Moves new/NAME onto the folder for each name, the old entry going to old/NAME first; names already moved (by a
     * run killed half-way) are skipped. With {@code undoOnFailure}, a failed rename puts back what was moved.
     */
    private void moveIn(List<String> names, boolean undoOnFailure) throws IOException {
        List<String> done = new ArrayList<>();
        try {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Path source = fresh.resolve(name);
                if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path target = folder.resolve(name);
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(displaced);
                    Files.move(target, displaced.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
                done.add(name);
                FaultPoint.reach("commit.moved." + (i + 1));
            }
        } catch (IOException e) {
            if (!undoOnFailure || !undo(done)) {
                keepWork = true;   // COMMIT stays, so the next run completes the moves
            }
            throw e;
        }
    }

    /** Puts the moved names back (new entries to new/, old ones to their place) and drops COMMIT; true if it could. */
    private boolean undo(List<String> done) {
        try {
            for (int i = done.size() - 1; i >= 0; i--) {
                String name = done.get(i);
                Files.move(folder.resolve(name), fresh.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                if (Files.exists(displaced.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(displaced.resolve(name), folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.delete(work.resolve(COMMIT));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Finishes a committed run that was killed while moving in, or deletes an uncommitted one's staging folder. */
    private void recover() {
        if (!Files.exists(work, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path journal = work.resolve(COMMIT);
        try {
            if (Files.isRegularFile(journal)) {
                List<String> names = Files.readAllLines(journal, StandardCharsets.UTF_8).stream()
                        .filter(n -> !n.isEmpty()).toList();
                Files.createDirectories(folder);
                moveIn(names, false);
                log.accept(shown + ": finished moving in the " + names.size() + " entries of an interrupted run");
            } else {
                log.accept(shown + ": removed the staging folder of an interrupted run");
            }
        } catch (IOException e) {
            keepWork = true;
            throw new OutputException(shown + ": cannot finish the interrupted run in " + work + ": "
                    + OsReason.of(e), e);
        }
        deleteWork();
    }

    private void removeLegacyTemps() {
        for (String name : list(folder)) {
            if (LEGACY_TEMP.matcher(name).matches()) {
                try {
                    FileTrees.delete(folder.resolve(name));
                    log.accept(shown + ": removed " + name + ", left by an interrupted run");
                } catch (IOException e) {
                    throw OutputException.cannotWrite(shown.resolve(name), e);
                }
            }
        }
    }

    // COMMIT goes last: a kill while deleting leaves either a journal (rolled forward, nothing left to move) or none.
    private void deleteWork() {
        try {
            FileTrees.delete(fresh);
            FileTrees.delete(displaced);
            FileTrees.delete(work);
        } catch (IOException e) {
            throw new OutputException(work + ": cannot delete the staging folder: " + OsReason.of(e), e);
        }
    }

    private static Path resolve(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        try {
            return Files.exists(abs) ? abs.toRealPath() : abs;
        } catch (IOException e) {
            throw OutputException.cannotWrite(out, e);
        }
    }

    private static boolean sameFileSystem(Path a, Path b) {
        try {
            return Files.getFileStore(a).equals(Files.getFileStore(b));
        } catch (IOException e) {
            return true;
        }
    }

    /** Creates {@code dir} and missing parents; returns those it created, deepest first. */
    private static List<Path> createDirectories(Path out, Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw OutputException.cannotWrite(out, e);
        }
        return missing;
    }

    private static void removeEmpty(List<Path> created) {
        for (Path p : created) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException notEmpty) {
                return;
            }
        }
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw OutputException.cannotWrite(dir, e);
        }
        Collections.sort(names);
        return names;
    }
}
