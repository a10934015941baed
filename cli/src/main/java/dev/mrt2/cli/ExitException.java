package dev.mrt2.cli;

/** Ends a command with {@code code}; the handler prints {@code mrt2: <message>} as the only line on stderr. */
public class ExitException extends RuntimeException {
    private final int code;

    public ExitException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
