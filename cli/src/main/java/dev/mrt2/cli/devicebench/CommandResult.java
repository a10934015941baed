package dev.mrt2.cli.devicebench;

import java.util.List;

/** What one external command did: its exit status, its captured output, and whether it was killed at the limit. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut) {

    public CommandResult {
        argv = List.copyOf(argv);
    }

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** The last non-blank line of stderr, else of stdout: what a one-line error message quotes. */
    public String lastLine() {
        String line = lastNonBlank(stderr);
        return line.isEmpty() ? lastNonBlank(stdout) : line;
    }

    /** stdout and stderr together, for pattern checks such as "the device is locked". */
    public String allOutput() {
        return stdout + "\n" + stderr;
    }

    private static String lastNonBlank(String text) {
        String[] lines = text.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }
}
