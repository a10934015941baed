package dev.mrt2.mil.exec;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * One helper thread per extra core that waits for kernel work by spinning a little before it sleeps. A streaming
 * temporal step is about a hundred products of a few hundred microseconds each, with short gaps between them; a pool
 * whose workers sleep between tasks spends much of each product waking them, so that two threads ran no faster than
 * one. Chunks are handed out one at a time and each is computed whole by whoever takes it, so the result never
 * depends on the split.
 */
final class Team {
    /** How long an idle helper keeps looking for the next job before it sleeps. */
    private static final long SPIN_NANOS = 100_000;
    private static final Team SHARED = new Team(Runtime.getRuntime().availableProcessors() - 1);

    private final Thread[] helpers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;

    private static final java.util.concurrent.atomic.AtomicLong JOBS = new java.util.concurrent.atomic.AtomicLong();

    private static final class Job {
        /** Tells jobs apart without holding on to one (a finished job's body still points at its kernel's arrays). */
        final long id = JOBS.incrementAndGet();
        final int chunks;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(int chunks, IntConsumer body) {
            this.chunks = chunks;
            this.body = body;
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    body.accept(c);
                } catch (Throwable t) {
                    failure = t;
                }
                done.incrementAndGet();
            }
        }
    }

    private Team(int helperCount) {
        helpers = new Thread[Math.max(0, helperCount)];
        for (int i = 0; i < helpers.length; i++) {
            Thread t = new Helper(this::help, "mrt2-kernels-" + (i + 1));
            t.setDaemon(true);
            helpers[i] = t;
            t.start();
        }
    }

    /**
     * Runs {@code body(0 .. chunks − 1)} on the calling thread and the helpers, or returns false at once (doing
     * nothing) when there are no helpers or they are already working for another caller.
     */
    static boolean tryRun(int chunks, IntConsumer body) {
        return SHARED.run(chunks, body);
    }

    /** Whether the current thread is one of the helpers (work it starts runs on it alone). */
    static boolean isHelper() {
        return Thread.currentThread() instanceof Helper;
    }

    private static final class Helper extends Thread {
        Helper(Runnable body, String name) {
            super(body, name);
        }
    }

    private boolean run(int chunks, IntConsumer body) {
        if (helpers.length == 0 || !busy.compareAndSet(false, true)) {
            return false;
        }
        Job j = new Job(chunks, body);
        try {
            job = j;
            for (Thread h : helpers) {
                LockSupport.unpark(h);
            }
            j.work();
            while (j.done.get() < chunks) {
                Thread.onSpinWait();
            }
        } finally {
            job = null;
            busy.set(false);
        }
        Throwable t = j.failure;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
        return true;
    }

    private void help() {
        long last = 0;
        long idleSince = System.nanoTime();
        while (true) {
            Job j = job;
            if (j != null && j.id != last) {
                j.work();
                last = j.id;
                j = null;   // drop it before spinning or sleeping: its body holds the kernel's arrays
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
                idleSince = System.nanoTime();
            }
        }
    }
}
