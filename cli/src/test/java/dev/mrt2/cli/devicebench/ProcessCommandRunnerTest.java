package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {

    @TempDir
    Path tmp;

    private Path script(String name, String body) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    @Test
    void looksTheProgramUpOnTheChildsPath() throws IOException {
        script("hello-tool", "echo \"out $1\"; echo 'err line' >&2; exit 3");
        ProcessCommandRunner runner = new ProcessCommandRunner(Map.of("PATH", tmp.resolve("bin") + ":/usr/bin:/bin"));
        CommandResult r = runner.run(List.of("hello-tool", "a b"), Duration.ofSeconds(10));
        assertEquals(3, r.exitCode());
        assertEquals("out a b\n", r.stdout());
        assertEquals("err line", r.lastLine(), "stderr's last line is what an error message quotes");
        assertFalse(r.timedOut());
        assertFalse(r.succeeded());
    }

    @Test
    void killsTheProcessTreeAtTheLimit() throws IOException, InterruptedException {
        Path marker = tmp.resolve("survived");
        script("hang", "sleep 2; touch " + marker);
        ProcessCommandRunner runner = new ProcessCommandRunner(Map.of("PATH", tmp.resolve("bin") + ":/usr/bin:/bin"));
        long start = System.nanoTime();
        CommandResult r = runner.run(List.of("hang"), Duration.ofMillis(200));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.timedOut());
        assertTrue(elapsedMs < 1800, "returned at the limit, not after the 2 s sleep (" + elapsedMs + " ms)");
        Thread.sleep(Math.max(0, 2600 - elapsedMs));
        assertFalse(Files.exists(marker), "the script was killed, so it never reached 'touch'");
    }

    @Test
    void missingProgramIsNamed() {
        ProcessCommandRunner runner = new ProcessCommandRunner(Map.of("PATH", tmp.toString()));
        CommandNotFoundException e = assertThrows(CommandNotFoundException.class,
                () -> runner.run(List.of("xcrun", "devicectl"), Duration.ofSeconds(1)));
        assertEquals("xcrun", e.program());
        assertEquals("xcrun not found on PATH (" + tmp + ")", e.getMessage());
    }
}
