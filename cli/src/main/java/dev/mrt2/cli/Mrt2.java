package dev.mrt2.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code mrt2} root: lists the commands and prints usage. To add a command, write one class (a
 * {@code Callable<Integer>} with a one-line {@code header}) and add it to {@code subcommands} below.
 */
@Command(name = "mrt2",
        mixinStandardHelpOptions = true,
        version = "mrt2 0.1.0",
        header = "Magenta RealTime 2 checkpoint to Core ML packages, with validation on any OS.",
        subcommands = {
            Synth.class,
            Convert.class,
            Checksum.class,
            InspectCommand.class,
            LintCommand.class,
            Demo.class,
            DeviceBenchCommand.class,
            PredictCommand.class,
            ValidateCommand.class,
            FixturesCommand.class,
            ConditionCommand.class,
            RenderCommand.class,
            DecodeCommand.class,
            HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK_ROW,
            ExitCodes.FAILURE_ROW,
            ExitCodes.USAGE_ROW,
            ExitCodes.BAD_INPUT_ROW,
            ExitCodes.INTERNAL_ROW,
        })
public final class Mrt2 implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-x", "--stacktrace"}, scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error.")
    boolean stacktrace;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "More progress detail on stderr.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "No progress on stderr, errors only.")
    boolean quiet;

    /** Set by {@link #main} only: in-process runs (tests) never draw bars. */
    private boolean mayDrawBars;
    private Boolean stderrTerminal;

    boolean stacktrace() {
        return stacktrace;
    }

    /** Asked only when a command starts long work: the answer costs a shell call on POSIX. */
    synchronized boolean stderrIsTerminal() {
        if (stderrTerminal == null) {
            stderrTerminal = mayDrawBars && StderrTerminal.detect();
        }
        return stderrTerminal;
    }

    Verbosity verbosity() {
        if (verbose && quiet) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--verbose and --quiet exclude each other");
        }
        return quiet ? Verbosity.QUIET : verbose ? Verbosity.VERBOSE : Verbosity.NORMAL;
    }

    /** With no command: usage on stderr, usage status. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** The configured command line, printing to the given writers; tests call {@code execute} on it. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, false);
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean mayDrawBars) {
        StdoutTracker stdout = new StdoutTracker(out);
        Failures failures = new Failures(stdout);
        Mrt2 root = new Mrt2();
        root.mayDrawBars = mayDrawBars;
        return new CommandLine(root)
                .setOut(stdout)
                .setErr(err)
                .setExecutionExceptionHandler(failures)
                .setParameterExceptionHandler(failures);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code;
        try {
            code = commandLine(out, err, true).execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to Failures; this Error is the one a user can act on
            err.println("mrt2: out of memory (give Java more heap: -Xmx2g, through scripts/mrt2 MRT2_JAVA_OPTS=-Xmx2g)");
            code = ExitCodes.FAILURE;
        }
        System.exit(code);
    }
}
