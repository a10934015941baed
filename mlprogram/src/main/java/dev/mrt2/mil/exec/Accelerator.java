package dev.mrt2.mil.exec;

/**
 * A native library that runs the heavy ops (convolutions, multi-row linear layers) faster than the pure-JVM kernels,
 * found at run time with {@link java.util.ServiceLoader}, so the executor and everything above it work without it.
 * The DJL PyTorch module provides one for linux-x86_64; on other systems none loads and the JVM kernels run.
 */
public interface Accelerator {
    /** For logs and benchmark reports, e.g. {@code djl-pytorch}. */
    String name();

    /**
     * Null when the native library loads on this machine, else the reason it does not (probed once; the probe must not
     * print anything).
     */
    String unavailableReason();

    /** Opens kernels for one executor; {@code fallback} runs whatever the library cannot. */
    Kernels open(ConvBackend fallback);

    /**
     * One executor's native convolution kernels; copies of constant weights live until {@link #close()}. Linear layers
     * always run on the JVM kernels: measured here, they match or beat the native ones (memory bound at one row,
     * and PyTorch's idle worker threads compete with the JVM's at twelve).
     */
    interface Kernels extends ConvBackend {
    }
}
