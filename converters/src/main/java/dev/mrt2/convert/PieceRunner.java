package dev.mrt2.convert;

import dev.mrt2.io.FaultPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs conversion pieces on a few threads at once. Pieces write disjoint files and each file's bytes depend only on
 * the checkpoint, so the outputs are the same as a sequential run; only the order of progress lines may differ.
 * Results come back in the order given. Every piece runs to its end (so nothing is still writing when this returns);
 * then the first failure, in the order given, is rethrown.
 */
final class PieceRunner {
    private PieceRunner() {}

    /** System property overriding the thread count (1 = one piece after the other), for benchmarks. */
    static final String THREADS_PROPERTY = "mrt2.convert.threads";

    /**
     * Two pieces at a time (one on a single core): the temporal body converts beside the rest while the checkpoint
     * hash, the longest single job, takes the other core. More threads would add heap (each piece holds a few large
     * tensors) without shortening that hash.
     */
    static int defaultThreads(int pieces) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Integer.getInteger(THREADS_PROPERTY, Math.min(2, cores));
        return Math.max(1, Math.min(pieces, threads));
    }

    static List<ConversionPiece.Result> runAll(List<ConversionPiece> pieces, ConvertContext ctx, int threads) {
        return runAll(pieces, ctx, threads, piece -> { }, piece -> { });
    }

    /**
     * {@code started} and {@code finished} hear of each piece on the thread that converts it, just before and after
     * (for a progress bar).
     */
    static List<ConversionPiece.Result> runAll(List<ConversionPiece> pieces, ConvertContext ctx, int threads,
                                               Consumer<ConversionPiece> started, Consumer<ConversionPiece> finished) {
        if (threads <= 1 || pieces.size() <= 1) {
            List<ConversionPiece.Result> results = new ArrayList<>();
            for (ConversionPiece piece : pieces) {
                results.add(run(piece, ctx, started, finished));
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "convert-piece");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ConversionPiece.Result>> futures = new ArrayList<>();
            for (ConversionPiece piece : pieces) {
                futures.add(pool.submit(() -> run(piece, ctx, started, finished)));
            }
            List<ConversionPiece.Result> results = new ArrayList<>();
            RuntimeException first = null;
            for (Future<ConversionPiece.Result> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = asRuntime(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while converting", e);
                }
            }
            if (first != null) {
                throw first;
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ConversionPiece.Result run(ConversionPiece piece, ConvertContext ctx,
                                              Consumer<ConversionPiece> started, Consumer<ConversionPiece> finished) {
        ctx.log("convert: " + piece.name());
        started.accept(piece);
        ConversionPiece.Result result = piece.convert(ctx);
        finished.accept(piece);
        FaultPoint.reach("convert.piece." + piece.name());
        return result;
    }

    private static RuntimeException asRuntime(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t.toString(), t);
    }
}
