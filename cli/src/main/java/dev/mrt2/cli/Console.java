package dev.mrt2.cli;

import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.Progress;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command's two channels: stdout for the result (text, or exactly one JSON document with {@code --json}),
 * stderr for progress, filtered by {@code -q}/{@code -v}. Long work reports through {@link #tasks()}: a bar with an
 * ETA when stderr is a terminal, plain lines every few seconds when it is not, nothing with {@code -q}.
 */
final class Console {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Verbosity verbosity;
    private final Mrt2 root;
    private ProgressBars bars;

    private Console(PrintWriter out, PrintWriter err, Verbosity verbosity, Mrt2 root) {
        this.out = out;
        this.err = err;
        this.verbosity = verbosity;
        this.root = root;
    }

    static Console of(CommandSpec spec) {
        Mrt2 root = (Mrt2) spec.root().userObject();
        Console console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), root.verbosity(), root);
        // the native library's one-time notices (its first unpacking, a refusal) are this command's warnings
        dev.mrt2.mil.exec.Accelerators.setNotices(console::warn);
        return console;
    }

    /** A result line for humans on stdout. */
    void result(String line) {
        out.println(line);
        out.flush();
    }

    /** A progress line on stderr, unless quiet. */
    void progress(String line) {
        if (verbosity != Verbosity.QUIET) {
            line(line);
        }
    }

    /** Something the user should know although the command succeeded, on stderr unless quiet. */
    void warn(String line) {
        progress("warning: " + line);
    }

    /** Detail on stderr, only with -v. */
    void detail(String line) {
        if (verbosity == Verbosity.VERBOSE) {
            line(line);
        }
    }

    /** Where long work reports how far it has got. */
    synchronized Progress tasks() {
        if (verbosity == Verbosity.QUIET) {
            return Progress.NONE;
        }
        if (bars == null && root.stderrIsTerminal()) {
            bars = new ProgressBars(err, StderrTerminal.width());
        }
        return bars != null ? bars : new ProgressLines(this::progress, System::nanoTime);
    }

    /** The one JSON document of a {@code --json} run: keys sorted, so equal results print equal bytes. */
    void json(Map<String, ?> document) {
        out.print(SortedJson.write(document));
        out.flush();
    }

    private void line(String line) {
        ProgressBars drawn;
        synchronized (this) {
            drawn = bars;
        }
        if (drawn != null) {
            drawn.println(line);
            return;
        }
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }
}
