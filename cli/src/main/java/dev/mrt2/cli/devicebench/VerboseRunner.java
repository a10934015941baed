package dev.mrt2.cli.devicebench;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * Prints every external command (shell-quoted, prefixed with "+ ") before handing it to the wrapped runner, and the
 * last lines of what it printed (prefixed with "  | ") after.
 */
public final class VerboseRunner implements CommandRunner {

    private static final int TAIL_LINES = 20;

    private final CommandRunner delegate;
    private final PrintWriter log;

    public VerboseRunner(CommandRunner delegate, PrintWriter log) {
        this.delegate = delegate;
        this.log = log;
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        log.println("+ " + ShellWords.join(argv));
        log.flush();
        CommandResult result = delegate.run(argv, timeout);
        List<String> lines = (result.stdout() + result.stderr()).lines().filter(l -> !l.isBlank()).toList();
        // The tail is where tools put their verdict; a whole xcodebuild log would drown the plan.
        for (String line : lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())) {
            log.println("  | " + line);
        }
        if (result.timedOut()) {
            log.println("  (killed after " + timeout.toSeconds() + " s)");
        } else if (result.exitCode() != 0) {
            log.println("  (exit " + result.exitCode() + ")");
        }
        log.flush();
        return result;
    }
}
