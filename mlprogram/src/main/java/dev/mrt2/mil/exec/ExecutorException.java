package dev.mrt2.mil.exec;

/**
 * Why a package cannot run: an op we do not execute, inputs that disagree with the model description, or an op that
 * fails at run time. Messages start with the package (or model label) and, when one is involved, the op:
 * {@code decoder.mlpackage: op 'dec0_convt' (conv_transpose): weight [512, 1024, 4, 3] needs x with 512 channels, got 256}.
 */
public final class ExecutorException extends RuntimeException {
    public ExecutorException(String message) {
        super(message);
    }

    public ExecutorException(String message, Throwable cause) {
        super(message, cause);
    }
}
