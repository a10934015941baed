package dev.mrt2.mil.exec;

/**
 * Convolution kernels for code outside the executor (the validation reference): the pure-JVM ones, bit-identical to
 * the textbook loops, or the native accelerator's where one loads (falling back to the JVM ones for what it leaves).
 */
public final class Convolutions {
    private Convolutions() {}

    /** The pure-JVM kernels; every output summed in the textbook loop's order. */
    public static ConvBackend jvm() {
        return new DirectConv();
    }

    /** The textbook loops themselves. */
    public static ConvBackend oracle() {
        return new ScalarConv();
    }

    /** The native kernels when an accelerator loads here (and native code is not off), else {@link #jvm()}. */
    public static ConvBackend fastest() {
        return Accelerators.find() != null ? Accelerators.open(new DirectConv()) : new DirectConv();
    }
}
