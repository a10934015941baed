package dev.mrt2.mil.exec;

/**
 * Which kernels run the heavy ops (matmul/linear, conv, conv_transpose). Every other op always runs its plain loop.
 * Chosen once per executor; {@link #fromSystemProperty()} reads {@code -Dmrt2.executor.backend=scalar|java|djl|auto}.
 */
public enum ExecutorBackend {
    /** The plain loops everywhere: the oracle, slow. */
    SCALAR,
    /** Blocked multithreaded Java GEMM for matmul/linear, im2col + the same GEMM for convolutions. */
    JAVA,
    /** Blocked Java GEMM for matmul/linear, DJL's PyTorch engine (oneDNN) for convolutions. */
    DJL;

    public static final String PROPERTY = "mrt2.executor.backend";

    /** DJL when its PyTorch engine loads offline on this machine, otherwise JAVA. */
    public static ExecutorBackend auto() {
        return DjlKernels.available() ? DJL : JAVA;
    }

    public static ExecutorBackend fromSystemProperty() {
        String v = System.getProperty(PROPERTY, "auto");
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> auto();
            case "scalar" -> SCALAR;
            case "java" -> JAVA;
            case "djl" -> DJL;
            default -> throw new ExecutorException("-D" + PROPERTY + "=" + v + ": expected auto, scalar, java or djl");
        };
    }
}
