package dev.mrt2.cli;

import dev.mrt2.convert.SortedJson;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command's two channels: stdout for the result (text, or exactly one JSON document with {@code --json}),
 * stderr for progress, filtered by {@code -q}/{@code -v}.
 */
final class Console {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Verbosity verbosity;

    private Console(PrintWriter out, PrintWriter err, Verbosity verbosity) {
        this.out = out;
        this.err = err;
        this.verbosity = verbosity;
    }

    static Console of(CommandSpec spec) {
        Mrt2 root = (Mrt2) spec.root().userObject();
        return new Console(spec.commandLine().getOut(), spec.commandLine().getErr(), root.verbosity());
    }

    /** A result line for humans on stdout. */
    void result(String line) {
        out.println(line);
        out.flush();
    }

    /** A progress line on stderr, unless quiet. */
    void progress(String line) {
        if (verbosity != Verbosity.QUIET) {
            err.println(line);
            err.flush();
        }
    }

    /** Detail on stderr, only with -v. */
    void detail(String line) {
        if (verbosity == Verbosity.VERBOSE) {
            err.println(line);
            err.flush();
        }
    }

    /** The one JSON document of a {@code --json} run: keys sorted, so equal results print equal bytes. */
    void json(Map<String, ?> document) {
        out.print(SortedJson.write(document));
        out.flush();
    }
}
