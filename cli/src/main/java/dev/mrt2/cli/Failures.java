package dev.mrt2.cli;

import dev.mrt2.convert.SortedJson;
import dev.mrt2.io.BadInputException;
import dev.mrt2.io.OsReason;
import dev.mrt2.mil.pkg.PackageFormatException;
import dev.mrt2.safetensors.SafetensorsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into the README's exit code and exactly one stderr line, {@code mrt2: <message>}; the stack
 * trace follows only with {@code -x}. With {@code --json}, stdout also gets one JSON error document (unless the
 * command already printed its result document, as a failed verification does).
 * <ul>
 *   <li>3: a bad input file: {@link BadInputException} (and its subclasses: checkpoint, npz, manifest, fixtures) and
 *       the readers' own exceptions (safetensors, package format);</li>
 *   <li>1: the job failed, or an output could not be written ({@link dev.mrt2.io.OutputException} and every other
 *       I/O failure, with the operating system's reason);</li>
 *   <li>2: usage;</li>
 *   <li>4: anything else, which is a bug: an IllegalArgumentException or IllegalStateException thrown by an internal
 *       invariant lands here, not under "bad input".</li>
 * </ul>
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** A Java class name such as {@code java.nio.file.NoSuchFileException: } inside a message: never shown. */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");

    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n]+\\s*");

    private final StdoutTracker stdout;

    Failures(StdoutTracker stdout) {
        this.stdout = stdout;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String message = clean(e.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')";
        report(cmd, e, ExitCodes.USAGE, message, Arrays.asList(args).contains("--json"));
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        int code = code(e);
        report(cmd, e, code, message(e, code), jsonRequested(parsed));
        return code;
    }

    private void report(CommandLine cmd, Exception e, int code, String message, boolean json) {
        PrintWriter err = cmd.getErr();
        err.println("mrt2: " + message);
        if (stacktrace(cmd)) {
            e.printStackTrace(err);
        }
        err.flush();
        if (json && !stdout.used()) {
            cmd.getOut().print(SortedJson.write(errorDocument(code, message)));
            cmd.getOut().flush();
        }
    }

    /** {@code {"error": {"exit_code": 3, "kind": "bad_input", "message": "..."}}}. */
    static Map<String, Object> errorDocument(int code, String message) {
        Map<String, Object> error = new TreeMap<>();
        error.put("exit_code", code);
        error.put("kind", switch (code) {
            case ExitCodes.FAILURE -> "failed";
            case ExitCodes.USAGE -> "usage";
            case ExitCodes.BAD_INPUT -> "bad_input";
            case ExitCodes.INTERNAL -> "internal";
            default -> "exit_" + code;
        });
        error.put("message", message);
        return Map.of("error", error);
    }

    static int code(Throwable e) {
        if (e instanceof ExitException x) {
            return x.code();
        }
        if (e instanceof ParameterException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof BadInputException || e instanceof SafetensorsException
                || e instanceof PackageFormatException) {
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof UncheckedIOException || e instanceof IOException) {
            return ExitCodes.FAILURE;
        }
        return ExitCodes.INTERNAL;
    }

    /** The one line after {@code mrt2: }: the message itself, the OS reason for raw I/O errors, no class names. */
    static String message(Throwable e, int code) {
        String text;
        if (e instanceof IOException io) {
            text = ioMessage(io);
        } else if (e instanceof UncheckedIOException u && (u.getMessage() == null
                || u.getMessage().equals(String.valueOf(u.getCause())))) {
            text = ioMessage(u.getCause());   // new UncheckedIOException(cause): its message is the cause's toString
        } else {
            text = e.getMessage();
        }
        text = text == null || text.isBlank() ? null : clean(text);
        if (code == ExitCodes.INTERNAL) {
            return "internal error: " + (text == null ? "unexpected failure" : text)
                    + " (rerun with -x for the stack trace and report it)";
        }
        return text == null ? "failed" : text;
    }

    private static String ioMessage(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + OsReason.of(e);
        }
        return OsReason.of(e);
    }

    /**
     * Without class names, and on one line: a parser's message may span several (Jackson's does). Any other control
     * character left (a NUL from a file name) is written as {@code \xHH}, so a message cannot drive the terminal.
     */
    static String clean(String message) {
        if (message == null) {
            return null;
        }
        String line = LINE_BREAKS.matcher(CLASS_NAME.matcher(message).replaceAll("")).replaceAll(" ").strip();
        StringBuilder s = new StringBuilder(line.length());
        line.chars().forEach(c -> s.append(Character.isISOControl(c) && c != '\t'
                ? String.format(Locale.ROOT, "\\x%02x", c) : String.valueOf((char) c)));
        return s.toString();
    }

    private static boolean jsonRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.hasMatchedOption("--json")) {
                return true;
            }
        }
        return false;
    }

    private static boolean stacktrace(CommandLine cmd) {
        return cmd.getCommandSpec().root().userObject() instanceof Mrt2 root && root.stacktrace();
    }
}
