package dev.mrt2.host.decode;

import dev.mrt2.host.StageTimes;
import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.mil.exec.KernelThreads;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link WindowedDecoder} on a thread of its own, fed token frames by the thread that makes them. The packages' token
 * loop is bound by memory bandwidth, which one core nearly saturates, and the decoder's convolutions by arithmetic, so
 * on two cores each on a core of its own gets more done than both taking turns on two (full size, 10 s of audio, a
 * 2-core Zen 5 VM: alone on one core the loop takes 23 s and the decoder 23 s, in turns on two cores 16-19 s and 13-17
 * s; side by side they slow each other a little, and the render's loop took 27.3-28.4 s against 29.5-33.6 s in turns).
 * So while frames still come, both sides keep their kernels on one thread ({@link KernelThreads#alone}); once the last
 * frame is in, the windows left get every core. The audio is the same bits either way: the decoder sees the same frames
 * in the same order, and its kernels' results do not depend on their thread count.
 */
public final class BackgroundWindows implements AutoCloseable {
    /** Marks the end of the frames in the queue. */
    private static final int[] END = new int[0];

    private final WindowedDecoder windows;
    /** The decoder thread's own stage times (StageTimes is single-owner), read once it has finished. */
    private final StageTimes times = new StageTimes();
    private final BlockingQueue<int[]> frames = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean lastFrameIn;
    private volatile int samples;
    private volatile Throwable failure;

    public BackgroundWindows(AudioDecoder decoder, WindowPlan plan, InverseStft.Window window) {
        this.windows = new WindowedDecoder(decoder, plan, window, times, null);
        this.thread = new Thread(this::decode, "mrt2-decoder");
        thread.setDaemon(true);    // never keeps the JVM alive once the loop has failed
        thread.start();
    }

    /** Hands over the next token frame's codes; throws what the decoder thread failed with, if it has. */
    public void accept(int[] codes) {
        rethrowFailure();
        frames.add(codes.clone());
    }

    /** Samples per channel decoded so far. */
    public int samples() {
        return samples;
    }

    /**
     * Waits for every window of the plan to be decoded, adds the decoder thread's stage times to {@code into}, and
     * returns {@code [2][1920 (F - 1)]}.
     */
    public float[][] finish(StageTimes into) {
        lastFrameIn = true;
        frames.add(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the decoder finished", e);
        }
        rethrowFailure();
        into.addAll(times);
        return windows.pcm();
    }

    /**
     * Stops the decoder thread when the loop gives up early (after {@link #finish} it has already ended), and waits for
     * the window it is decoding: the caller closes the decoder next, which must not happen under a running window.
     */
    @Override
    public void close() {
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void decode() {
        try {
            while (true) {
                int[] codes = frames.take();
                if (codes == END) {
                    return;
                }
                if (lastFrameIn) {
                    windows.accept(codes);
                } else {
                    KernelThreads.alone(() -> windows.accept(codes));
                }
                samples = windows.samples();
            }
        } catch (InterruptedException e) {
            // close(): the loop failed or was abandoned; nothing is waiting for the audio
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
