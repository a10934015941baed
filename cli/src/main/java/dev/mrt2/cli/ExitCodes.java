package dev.mrt2.cli;

/** Every exit status {@code mrt2} returns, and the rows the root help lists them with. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job ran and failed: a gate or a verification mismatch, or an output that could not be written. */
    public static final int FAILURE = 1;
    /** The command line is wrong (picocli's usage status). */
    public static final int USAGE = 2;
    /** An input file is missing, truncated or malformed. */
    public static final int BAD_INPUT = 3;
    /** A bug in mrt2: rerun with -x and report the stack trace. */
    public static final int INTERNAL = 4;

    // The rows of the root help's exit code list ("code:description"); annotations need constants, not an array.
    static final String OK_ROW = " 0:ok";
    static final String FAILURE_ROW = " 1:the job failed (a gate, a verification mismatch, an output that could not be written)";
    static final String USAGE_ROW = " 2:usage error";
    static final String BAD_INPUT_ROW = " 3:bad input file (missing, truncated or malformed)";
    static final String INTERNAL_ROW = " 4:internal error (rerun with -x and report it)";

    private ExitCodes() {}
}
