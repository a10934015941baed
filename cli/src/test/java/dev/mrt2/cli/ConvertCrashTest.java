package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.io.StagedFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mrt2 convert} in a child JVM, killed ({@code kill -9}) at every step of a run, stopped by a file-size limit,
 * and raced by a second convert on the same folder. The folder starts as an earlier conversion of checkpoint A; the
 * run converts checkpoint B. The promise: before the commit point the folder is exactly A; a run killed after it is
 * finished by the next one (exactly B); never a mix once the next run has looked at it; no staging folder survives
 * the next run (the lock file stays, empty); and the next run's bytes and manifest equal a clean run's.
 */
class ConvertCrashTest {
    /** Steps of a run, in order ({@link dev.mrt2.io.FaultPoint} names); the commit point is {@code commit.journal}. */
    private static final List<String> STEPS = List.of("convert.checked", "convert.piece.depth",
            "convert.piece.codebooks", "convert.staged", "commit.journal", "commit.moved.1", "commit.moved.2",
            "commit.moved.4", "commit.moved.6", "commit.moved", "commit.cleaned");
    private static final String COMMIT_POINT = "commit.journal";
    /** Beside a folder a run has used: the folder and its (unlocked, empty) lock file; no staging folder. */
    private static final List<String> BESIDE = List.of(".out.mrt2-lock", "out");

    @TempDir
    static Path root;
    static Path checkpointB;
    static Path foldersA;
    static Map<String, String> stateA;
    static Map<String, String> stateB;

    @BeforeAll
    static void twoConversions() {
        Path checkpointA = root.resolve("a.safetensors");
        checkpointB = root.resolve("b.safetensors");
        run(0, "synth", "--preset", "tiny", "--seed", "1", "--out", checkpointA.toString(), "-q");
        run(0, "synth", "--preset", "tiny", "--seed", "2", "--out", checkpointB.toString(), "-q");
        foldersA = root.resolve("a/out");
        run(0, "convert", "--checkpoint", checkpointA.toString(), "--out", foldersA.toString(), "--only",
                "depth,codebooks", "-q");
        Path clean = root.resolve("b/out");
        run(0, "convert", "--checkpoint", checkpointB.toString(), "--out", clean.toString(), "--only",
                "depth,codebooks", "-q");
        stateA = FolderSnapshot.of(foldersA).entries();
        stateB = FolderSnapshot.of(clean).entries();
        assertFalse(stateA.equals(stateB), "the two checkpoints give different artifacts");
        assertEquals(stateA.keySet(), stateB.keySet(), "the same names, so every one of them is replaced");
    }

    @Test
    void killedAtAnyStepTheFolderIsTheOldOrTheNewOneAndTheNextRunEqualsACleanRun() throws Exception {
        List<String> report = new ArrayList<>();
        int kills = 0;
        for (String step : STEPS) {
            Path out = caseFolder("kill-" + step, true);
            try (ChildMrt2 child = ChildMrt2.start(List.of("-Dmrt2.faultpoint=" + step), convertB(out))) {
                assertTrue(child.awaitLine("mrt2-faultpoint: " + step, 120), step + ": " + child.stderrLines());
                child.kill();
            }
            kills++;
            boolean committed = STEPS.indexOf(step) >= STEPS.indexOf(COMMIT_POINT);
            Map<String, String> now = FolderSnapshot.of(out).entries();
            if (!committed || step.equals(COMMIT_POINT)) {
                assertEquals(stateA, now, step + ": killed before anything moved, the folder is exactly as it was");
            } else if (step.equals("commit.moved") || step.equals("commit.cleaned")) {
                assertEquals(stateB, now, step + ": every artifact moved in");
            }
            assertEquals(committed ? stateB : stateA, recoveredCopy(out), step + ": what the next run finds");
            nextRunEqualsACleanOne(out, step);
            report.add(step + " -> " + (committed ? "new" : "old"));
        }
        // Into a folder that does not exist yet, the commit is one rename.
        Path fresh = caseFolder("kill-rename", false);
        try (ChildMrt2 child = ChildMrt2.start(List.of("-Dmrt2.faultpoint=commit.rename"), convertB(fresh))) {
            assertTrue(child.awaitLine("mrt2-faultpoint: commit.rename", 120), String.valueOf(child.stderrLines()));
            child.kill();
        }
        kills++;
        assertFalse(Files.exists(fresh), "killed before its one rename, the run made no folder");
        assertEquals(Map.of(), recoveredCopy(fresh));
        nextRunEqualsACleanOne(fresh, "commit.rename");
        // And at moments nobody chose: while the JVM starts, checks, converts.
        for (long millis : new long[] {300, 700, 1100}) {
            Path out = caseFolder("kill-after-" + millis + "ms", true);
            try (ChildMrt2 child = ChildMrt2.start(List.of(), convertB(out))) {
                Thread.sleep(millis);
                child.kill();
            }
            kills++;
            Map<String, String> found = recoveredCopy(out);
            assertTrue(found.equals(stateA) || found.equals(stateB), millis + " ms: neither the old nor the new "
                    + "folder: " + found.keySet());
            nextRunEqualsACleanOne(out, millis + " ms");
        }
        assertTrue(kills >= 10, "killed at " + kills + " points: " + report);
    }

    /** A file-size limit ({@code ulimit -f}) stands in for a full disk: the write fails with the OS's reason. */
    @Test
    void aWriteStoppedByTheFileSizeLimitLeavesTheFolderAsItWas() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell for ulimit");
        Path out = caseFolder("file-size-limit", true);
        String java = ChildMrt2.command(List.of(), convertB(out)).stream().map(ConvertCrashTest::quoted)
                .collect(Collectors.joining(" "));
        // 200 blocks of 512 bytes: the depth package's weight.bin (about 240 kB) cannot be written
        try (ChildMrt2 child = ChildMrt2.start(List.of("/bin/sh", "-c", "ulimit -f 200 && exec " + java))) {
            assertEquals(ExitCodes.FAILURE, child.exitCode(), String.valueOf(child.stderrLines()));
            assertEquals(List.of("mrt2: " + out + ": cannot write the new artifacts: file too large (out is unchanged)"),
                    child.stderrLines());
        }
        assertEquals(stateA, FolderSnapshot.of(out).entries(), "the folder is exactly as it was");
        assertEquals(BESIDE, TestFiles.names(out.getParent()), "the failed run removed its staging folder");
        nextRunEqualsACleanOne(out, "after the file-size limit");
    }

    @Test
    void aSecondConvertIntoTheSameFolderIsToldTheFirstOnesPid() throws Exception {
        Path out = caseFolder("two-writers", true);
        Path resume = out.resolveSibling("resume");
        try (ChildMrt2 first = ChildMrt2.start(List.of("-Dmrt2.faultpoint=convert.checked",
                "-Dmrt2.faultpoint.resume=" + resume), convertB(out))) {
            assertTrue(first.awaitLine("mrt2-faultpoint: convert.checked", 120), String.valueOf(first.stderrLines()));
            String busy = "mrt2: " + out + ": another mrt2 process (pid " + first.process.pid()
                    + ") is writing it; try again when it has finished";
            CliRun second = CliRun.of(convertB(out));
            assertEquals(ExitCodes.FAILURE, second.code(), second.toString());
            assertEquals(List.of(busy), second.errLines());
            try (ChildMrt2 third = ChildMrt2.start(List.of(), convertB(out))) {
                assertEquals(ExitCodes.FAILURE, third.exitCode());
                assertEquals(List.of(busy), third.stderrLines(), "another process gets the same one line");
            }
            assertEquals(stateA, FolderSnapshot.of(out).entries(), "nothing moved while the first is still checking");
            Files.createFile(resume);
            assertEquals(0, first.exitCode(), String.valueOf(first.stderrLines()));
        }
        Files.delete(resume);
        assertEquals(stateB, FolderSnapshot.of(out).entries());
        assertEquals(BESIDE, TestFiles.names(out.getParent()));
    }

    @Test
    void twoConvertsStartedTogetherNeverCrashAndLeaveACleanFolder() throws Exception {
        for (int round = 0; round < 2; round++) {
            Path out = caseFolder("race-" + round, true);
            try (ChildMrt2 a = ChildMrt2.start(List.of(), convertB(out));
                 ChildMrt2 b = ChildMrt2.start(List.of(), convertB(out))) {
                int codeA = a.exitCode();
                int codeB = b.exitCode();
                assertTrue(codeA == 0 || codeB == 0, "one of them converts: " + codeA + ", " + codeB);
                for (ChildMrt2 c : List.of(a, b)) {
                    if (c.exitCode() != 0) {
                        ChildMrt2 other = c == a ? b : a;
                        assertEquals(ExitCodes.FAILURE, c.exitCode());
                        assertEquals(List.of("mrt2: " + out + ": another mrt2 process (pid " + other.process.pid()
                                + ") is writing it; try again when it has finished"), c.stderrLines());
                    } else {
                        assertEquals(List.of(), c.stderrLines());
                    }
                }
            }
            assertEquals(stateB, FolderSnapshot.of(out).entries(), "round " + round);
            assertEquals(BESIDE, TestFiles.names(out.getParent()));
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String[] convertB(Path out) {
        return new String[] {"convert", "--checkpoint", checkpointB.toString(), "--out", out.toString(), "--only",
                "depth,codebooks", "-q"};
    }

    /** A fresh parent folder holding {@code out}, a copy of A's conversion when {@code withA}. */
    private static Path caseFolder(String name, boolean withA) throws IOException {
        Path out = root.resolve("cases").resolve(name).resolve("out");
        Files.createDirectories(out.getParent());
        if (withA) {
            TestFiles.copyTree(foldersA, out);
        }
        return out;
    }

    /** What the next run sees once it has finished or removed the killed run's staging: on a copy, recovery only. */
    private static Map<String, String> recoveredCopy(Path out) throws IOException {
        Path copy = out.getParent().resolveSibling(out.getParent().getFileName() + "-recovered").resolve("out");
        TestFiles.copyTree(out.getParent(), copy.getParent());
        StagedFolder.open(copy, line -> { }).close();
        assertEquals(Files.exists(copy) ? BESIDE : List.of(".out.mrt2-lock"), TestFiles.names(copy.getParent()),
                "recovery leaves no staging folder");
        return FolderSnapshot.of(copy).entries();
    }

    private static void nextRunEqualsACleanOne(Path out, String what) throws IOException {
        CliRun next = CliRun.of(convertB(out));
        assertEquals(0, next.code(), what + ": " + next);
        assertEquals(stateB, FolderSnapshot.of(out).entries(), what + ": the next run's bytes are a clean run's");
        assertTrue(ChecksumManifest.verify(out.resolve("SHA256SUMS"), out).passed(), what);
        assertEquals(BESIDE, TestFiles.names(out.getParent()), what + ": no staging folder left beside the folder");
    }

    private static void run(int code, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.code(), r.toString());
    }



    private static String quoted(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
