package dev.mrt2.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code mrt2} in a child JVM on the test classpath (the built classes), for what an in-process run cannot show: a
 * {@code kill -9}, a file-size limit, two processes on one folder. The JVM runs C1 only with a small heap, which
 * starts it in about half a second. Stderr is read on a thread into a queue so a test can wait for a line.
 */
final class ChildMrt2 implements AutoCloseable {
    private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-Xmx512m", "-Dai.djl.offline=true");

    final Process process;
    private final BlockingQueue<String> stderr = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ChildMrt2(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    stderr.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "child-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** The java command line: {@code java <jvm> <props> -cp <classpath> dev.mrt2.cli.Mrt2 <args>}. */
    static List<String> command(List<String> properties, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM);
        cmd.addAll(properties);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Mrt2.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static ChildMrt2 start(List<String> properties, String... args) {
        return start(command(properties, args));
    }

    static ChildMrt2 start(List<String> command) {
        try {
            return new ChildMrt2(new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a stderr line equal to {@code line}; false when the process ended or time ran out first. */
    boolean awaitLine(String line, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String next = stderr.poll(100, TimeUnit.MILLISECONDS);
            if (next != null) {
                seen.add(next);
                if (next.equals(line)) {
                    return true;
                }
            } else if (!process.isAlive() && stderr.isEmpty()) {
                return false;
            }
        }
        return false;
    }

    /** {@code kill -9}: no shutdown hook, no finally block runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the exit; returns the exit code. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child still running after 120 s; stderr: " + stderrLines());
        }
        return process.exitValue();
    }

    /** Every stderr line so far (waits briefly for the reader after an exit). */
    List<String> stderrLines() throws InterruptedException {
        if (!process.isAlive()) {
            Thread.sleep(50);
        }
        stderr.drainTo(seen);
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
