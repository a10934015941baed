package dev.mrt2.mil.exec;

import java.util.function.Supplier;

/**
 * How many cores the executor's kernels take from the thread that calls them. By default a kernel spreads its chunks
 * over every core ({@link Team}); inside {@link #alone} the calling thread computes them all itself, so two pipelines
 * can each keep one core (render decodes audio on one core while the token loop runs on the other). Each chunk is
 * computed whole by one thread either way, so the results are the same bits.
 */
public final class KernelThreads {
    /** Nesting depth of {@link #alone} on this thread. */
    private static final ThreadLocal<int[]> ALONE = ThreadLocal.withInitial(() -> new int[1]);

    private KernelThreads() {}

    /** Runs {@code body} with every kernel it starts kept on the calling thread. */
    public static <T> T alone(Supplier<T> body) {
        int[] depth = ALONE.get();
        depth[0]++;
        try {
            return body.get();
        } finally {
            depth[0]--;
        }
    }

    /** {@link #alone(Supplier)} for work without a result. */
    public static void alone(Runnable body) {
        alone(() -> {
            body.run();
            return null;
        });
    }

    /** Whether the current thread is inside {@link #alone}. */
    static boolean isAlone() {
        return ALONE.get()[0] > 0;
    }
}
