package dev.mrt2.cli;

import dev.mrt2.mil.pkg.PackageFormatException;
import dev.mrt2.safetensors.SafetensorsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into an exit code and exactly one stderr line, {@code mrt2: <message>}; the stack trace follows
 * only with {@code -x}. Bad input files are 3, unusable outputs 1, usage 2, anything unexpected 4.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("mrt2: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        if (stacktrace(cmd)) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        int code = code(e);
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (code == ExitCodes.INTERNAL) {
            message = "internal error: " + e.getClass().getName() + ": " + message;
        }
        cmd.getErr().println("mrt2: " + message);
        if (stacktrace(cmd)) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return code;
    }

    static int code(Throwable e) {
        if (e instanceof ExitException x) {
            return x.code();
        }
        if (e instanceof ParameterException) {
            return ExitCodes.USAGE;
        }
        // The converters report a checkpoint without the keys or shapes they need as IllegalArgumentException.
        if (e instanceof SafetensorsException || e instanceof PackageFormatException
                || e instanceof IllegalArgumentException) {
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof UncheckedIOException || e instanceof IOException) {
            return ExitCodes.FAILURE;
        }
        return ExitCodes.INTERNAL;
    }

    private static boolean stacktrace(CommandLine cmd) {
        return cmd.getCommandSpec().root().userObject() instanceof Mrt2 root && root.stacktrace();
    }
}
