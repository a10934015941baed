package dev.mrt2.mil.exec;

import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Splits work over all cores once it is large enough to pay for it. Every index belongs to exactly one chunk and is
 * computed the same way whichever thread runs it, so results never depend on thread timing or count. The chunks go
 * to the kernel {@link Team}; when it is busy with another caller (conversion pieces run side by side) or the work
 * comes from inside a fork/join pool, to the fork/join pool instead; work started on a helper, or inside
 * {@link KernelThreads#alone}, runs on the calling thread alone.
 */
final class Parallel {
    private static final int CHUNK = 1 << 15;

    private Parallel() {}

    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    static void range(int n, Range body) {
        range(n, CHUNK, body);
    }

    /** Whether work started on this thread runs on it alone (a helper's, or inside {@link KernelThreads#alone}). */
    static boolean serialHere() {
        return Team.isHelper() || KernelThreads.isAlone();
    }

    /** {@code [0, n)} in chunks of {@code grain} indices, on all cores when there is more than one chunk. */
    static void range(int n, int grain, Range body) {
        if (n <= grain) {
            body.run(0, n);
            return;
        }
        int chunks = (n + grain - 1) / grain;
        IntConsumer chunk = c -> body.run(c * grain, Math.min(n, (c + 1) * grain));
        if (serialHere()) {
            for (int c = 0; c < chunks; c++) {
                chunk.accept(c);
            }
        } else if (ForkJoinTask.inForkJoinPool() || !Team.tryRun(chunks, chunk)) {
            IntStream.range(0, chunks).parallel().forEach(chunk);
        }
    }
}
