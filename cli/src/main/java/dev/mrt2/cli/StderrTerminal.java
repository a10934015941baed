package dev.mrt2.cli;

import java.util.Locale;
import org.jline.terminal.impl.exec.ExecTerminalProvider;
import org.jline.terminal.spi.SystemStream;

/**
 * Whether stderr is a terminal, and how wide. {@code System.console()} answers for stdin and stdout only, which is
 * wrong for {@code mrt2 convert --json > result.json} (stdout redirected, bar still wanted on stderr) and for
 * {@code 2> log} (stdout on a terminal, no bar wanted in the log). JLine's exec provider asks the shell
 * ({@code test -t 2}) on POSIX systems; elsewhere a console counts.
 */
final class StderrTerminal {
    private static final int DEFAULT_WIDTH = 80;

    private StderrTerminal() {}

    static boolean detect() {
        try {
            if (new ExecTerminalProvider().isSystemStream(SystemStream.Error)) {
                return true;
            }
        } catch (RuntimeException | LinkageError e) {
            // no shell to ask: fall through to the console test
        }
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                && System.console() != null;
    }

    /** Columns of the terminal behind stderr, 80 when it cannot be told. */
    static int width() {
        try {
            int w = new ExecTerminalProvider().systemStreamWidth(SystemStream.Error);
            if (w > 0) {
                return w;
            }
        } catch (RuntimeException | LinkageError e) {
            // fall back below
        }
        try {
            int w = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
            return w > 0 ? w : DEFAULT_WIDTH;
        } catch (NumberFormatException e) {
            return DEFAULT_WIDTH;
        }
    }
}
