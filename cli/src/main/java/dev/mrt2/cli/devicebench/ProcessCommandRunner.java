package dev.mrt2.cli.devicebench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link CommandRunner}: a {@link ProcessBuilder} with a time limit. Output goes to temporary files, not
 * pipes, so a chatty child never blocks on a full pipe and no reader threads are needed.
 */
public final class ProcessCommandRunner implements CommandRunner {

    /** Enough for any devicectl or xcodebuild message we quote; the rest of a huge build log is dropped. */
    private static final int MAX_CAPTURED_BYTES = 4 << 20;

    private final Map<String, String> environment;

    /** A runner whose children see this process's environment. */
    public ProcessCommandRunner() {
        this(Map.of());
    }

    /** A runner whose children see this process's environment with {@code overrides} applied (tests set PATH). */
    public ProcessCommandRunner(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(overrides);
        this.environment = Map.copyOf(env);
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(argv);
        // ProcessBuilder searches the parent's PATH, not the child's: resolve here so the override is honoured.
        command.set(0, resolve(argv.get(0)).toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("mrt2-device-bench-", ".out");
        Path err = Files.createTempFile("mrt2-device-bench-", ".err");
        try {
            builder.redirectOutput(out.toFile());
            builder.redirectError(err.toFile());
            Process process = builder.start();
            process.getOutputStream().close();
            boolean finished = waitFor(process, timeout);
            if (!finished) {
                killTree(process);
                waitFor(process, Duration.ofSeconds(10));
            }
            int exit = finished ? process.exitValue() : -1;
            return new CommandResult(argv, exit, read(out), read(err), !finished);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The absolute path of {@code program} on the child's PATH; a name with a '/' is taken as a path. */
    Path resolve(String program) throws CommandNotFoundException {
        String path = environment.getOrDefault("PATH", "");
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
            throw new CommandNotFoundException(program, path);
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new CommandNotFoundException(program, path);
    }

    private static boolean waitFor(Process process, Duration timeout) throws IOException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process);
            throw new IOException("interrupted while waiting for " + process.info().command().orElse("a command"), e);
        }
    }

    /**
     * Kills the process first, so a script cannot react to its child's death and run one more line, then the
     * children it had at that moment (listed before, because an orphan is no longer a descendant).
     */
    private static void killTree(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static String read(Path file) throws IOException {
        long size = Files.size(file);
        if (size <= MAX_CAPTURED_BYTES) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        byte[] all = Files.readAllBytes(file);
        // Keep the tail: the last lines are where tools print their error.
        return new String(all, all.length - MAX_CAPTURED_BYTES, MAX_CAPTURED_BYTES, StandardCharsets.UTF_8);
    }
}
