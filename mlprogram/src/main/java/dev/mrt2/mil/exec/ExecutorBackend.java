package dev.mrt2.mil.exec;

/**
 * Which kernels run the heavy ops (matmul/linear, conv, conv_transpose). Every other op always runs its plain loop.
 * Chosen once per executor; {@link #fromSystemProperty()} reads {@code -Dmrt2.executor.backend=scalar|java|djl|auto}.
 * SCALAR and JAVA give bit-identical results (the same sums in the same order); DJL agrees with them to float
 * rounding.
 */
public enum ExecutorBackend {
    /** The plain loops everywhere: the oracle, slow. */
    SCALAR,
    /** Pure-JVM vectorizable kernels on all cores, bit-identical to SCALAR; runs everywhere a JVM runs. */
    JAVA,
    /** The native {@link Accelerator} (DJL's PyTorch engine) for convolutions and multi-row linears, JAVA for the rest. */
    DJL;

    public static final String PROPERTY = "mrt2.executor.backend";

    /** DJL when a native accelerator loads on this machine (and native code is not off), otherwise JAVA. */
    public static ExecutorBackend auto() {
        return Accelerators.find() != null ? DJL : JAVA;
    }

    /** Whether this backend can run here. */
    public boolean available() {
        return this != DJL || Accelerators.find() != null;
    }

    /**
     * {@link #fromSystemProperty()} for a program that does or does not hold convolutions. Only convolutions run
     * natively, so "auto" gives a program without them the JVM kernels and never loads the native library for it
     * (loading it maps a few hundred MB into the process).
     */
    public static ExecutorBackend fromSystemProperty(boolean convolutions) {
        if (!convolutions && System.getProperty(PROPERTY, "auto").equalsIgnoreCase("auto")) {
            return JAVA;
        }
        return fromSystemProperty();
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
