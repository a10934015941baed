package dev.mrt2.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output-folder transaction: nothing reaches OUT before the commit point, everything after it (finished by the
 * next run when the committing one was killed), one writer at a time.
 */
class StagedFolderTest {
    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    @Test
    void commitIntoAnAbsentFolderIsOneRenameAndLeavesNothingBeside() throws IOException {
        Path out = dir.resolve("out");
        try (StagedFolder tx = StagedFolder.open(out, log::add)) {
            Files.writeString(tx.staging().resolve("a.txt"), "new");
            assertFalse(Files.exists(out), "nothing appears before the commit");
            tx.commit();
        }
        assertEquals(Map.of("a.txt", "new"), contents(out));
        assertEquals(List.of(".out.mrt2-lock", "out"), names(dir), "no staging folder; the (unlocked) lock file stays");
        assertEquals("", Files.readString(dir.resolve(".out.mrt2-lock")), "emptied: no stale pid");
    }

    @Test
    void commitReplacesSameNamesAndKeepsTheRest() throws IOException {
        Path out = folder("out", Map.of("a.txt", "old", "keep.txt", "mine", "P.pkg/inner", "old package"));
        try (StagedFolder tx = StagedFolder.open(out, log::add)) {
            tx.requireReplaceable("P.pkg", true, "a package", p -> Files.exists(p.resolve("inner")));
            Files.writeString(tx.staging().resolve("a.txt"), "new");
            Files.createDirectories(tx.staging().resolve("P.pkg"));
            Files.writeString(tx.staging().resolve("P.pkg/inner"), "new package");
            assertEquals(List.of("keep.txt"), tx.otherEntries(List.of("a.txt", "P.pkg")));
            tx.commit();
        }
        assertEquals(Map.of("a.txt", "new", "keep.txt", "mine", "P.pkg/inner", "new package"), contents(out));
        assertEquals(List.of(".out.mrt2-lock", "out"), names(dir));
    }

    @Test
    void closingWithoutCommitLeavesTheFolderExactlyAsItWas() throws IOException {
        Path out = folder("out", Map.of("a.txt", "old"));
        try (StagedFolder tx = StagedFolder.open(out, log::add)) {
            Files.writeString(tx.staging().resolve("a.txt"), "half");
        }
        assertEquals(Map.of("a.txt", "old"), contents(out));
        assertEquals(List.of(".out.mrt2-lock", "out"), names(dir));
    }

    @Test
    void aFailedRunRemovesTheParentFoldersItCreated() {
        Path out = dir.resolve("x/y/out");
        try (StagedFolder tx = StagedFolder.open(out, log::add)) {
            tx.staging();
        }
        assertEquals(List.of(), names(dir));
    }

    @Test
    void refusesToReplaceWhatIsNotItsOwnBeforeAnyWork() throws IOException {
        Path out = folder("out", Map.of("P.pkg", "a plain file named like a package", "D/notes.txt", "keep me"));
        try (StagedFolder tx = StagedFolder.open(out, log::add)) {
            OutputException file = assertThrows(OutputException.class,
                    () -> tx.requireReplaceable("P.pkg", true, "a package", p -> true));
            assertEquals(out.resolve("P.pkg") + ": exists and is not a package; refusing to replace it",
                    file.getMessage());
            OutputException d = assertThrows(OutputException.class,
                    () -> tx.requireReplaceable("D", true, "a package", p -> false));
            assertEquals(out.resolve("D") + ": exists and is not a package; refusing to replace it", d.getMessage());
            assertThrows(OutputException.class, () -> tx.requireReplaceable("D", false, "a file", p -> false));
        }
        assertEquals(Map.of("P.pkg", "a plain file named like a package", "D/notes.txt", "keep me"), contents(out));
    }

    @Test
    void aSecondWriterIsToldTheFirstOnesPid() throws IOException {
        Path out = folder("out", Map.of());
        try (StagedFolder first = StagedFolder.open(out, log::add)) {
            OutputException e = assertThrows(OutputException.class, () -> StagedFolder.open(out, log::add));
            assertEquals(out + ": another mrt2 process (pid " + ProcessHandle.current().pid()
                    + ", this one) is writing it; try again when it has finished", e.getMessage());
        }
        StagedFolder.open(out, log::add).close();   // free again once the first has finished
    }

    @Test
    void anInterruptedRunWithoutCommitIsRemovedByTheNext() throws IOException {
        Path out = folder("out", Map.of("a.txt", "old"));
        Files.createDirectories(dir.resolve(".out.mrt2-staging/new"));
        Files.writeString(dir.resolve(".out.mrt2-staging/new/a.txt"), "half-written");
        Files.writeString(dir.resolve(".out.mrt2-lock"), "999999\n");   // a dead owner's lock file
        StagedFolder.open(out, log::add).close();
        assertEquals(Map.of("a.txt", "old"), contents(out));
        assertEquals(List.of(".out.mrt2-lock", "out"), names(dir));
        assertEquals(List.of(out + ": removed the staging folder of an interrupted run"), log);
    }

    /** Killed between moves: a.txt already new, b.txt aside, c.txt not yet moved. The next run finishes the commit. */
    @Test
    void aRunKilledWhileMovingInIsFinishedByTheNext() throws IOException {
        Path out = folder("out", Map.of("b.txt", "old b", "c.txt", "old c", "keep.txt", "mine",
                "a.txt", "new a"));
        Path work = dir.resolve(".out.mrt2-staging");
        write(work, Map.of("COMMIT", "a.txt\nb.txt\nc.txt\n", "old/a.txt", "old a", "old/b.txt", "old b",
                "new/b.txt", "new b", "new/c.txt", "new c"));
        Files.delete(out.resolve("b.txt"));   // moved aside, its new version not moved in yet
        StagedFolder.open(out, log::add).close();
        assertEquals(Map.of("a.txt", "new a", "b.txt", "new b", "c.txt", "new c", "keep.txt", "mine"), contents(out));
        assertEquals(List.of(".out.mrt2-lock", "out"), names(dir));
        assertEquals(List.of(out + ": finished moving in the 3 entries of an interrupted run"), log);
    }

    @Test
    void temporariesOfOlderVersionsInTheFolderAreRemoved() throws IOException {
        Path out = folder("out", Map.of("A.mlpackage/Manifest.json", "{}", ".A.mlpackage.tmp-0/x", "stale",
                ".SHA256SUMS.tmp-999999-3", "stale", ".hidden", "user's"));
        StagedFolder.open(out, log::add).close();
        assertEquals(Map.of("A.mlpackage/Manifest.json", "{}", ".hidden", "user's"), contents(out));
        assertEquals(2, log.size(), log.toString());
    }

    @Test
    void anOutputThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        OutputException e = assertThrows(OutputException.class, () -> StagedFolder.open(file, log::add));
        assertEquals(file + ": exists and is not a directory", e.getMessage());
    }

    private Path folder(String name, Map<String, String> files) throws IOException {
        Path root = Files.createDirectories(dir.resolve(name));
        write(root, files);
        return root;
    }

    private static void write(Path root, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
    }

    /** Every file under root (hidden ones too) with its text. */
    static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
