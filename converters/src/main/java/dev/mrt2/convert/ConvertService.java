package dev.mrt2.convert;

import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.io.FaultPoint;
import dev.mrt2.io.OsReason;
import dev.mrt2.io.OutputException;
import dev.mrt2.io.Outputs;
import dev.mrt2.io.Progress;
import dev.mrt2.io.StagedFolder;
import dev.mrt2.mil.pkg.PackageLayout;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@code mrt2 convert} as one transaction ({@link StagedFolder}): nothing reaches the output folder unless every
 * requested piece succeeded, and a failure or kill at any point leaves the folder as it was. In order:
 * <ol>
 *   <li>open the checkpoint and read its dimensions (every key's shape against the layout);</li>
 *   <li>check the output folder can be written, lock it, finish or remove what an interrupted run left;</li>
 *   <li>refuse, before any long work, to replace something in the folder that is not an earlier artifact;</li>
 *   <li>check what the requested pieces read: every key's dtype a float type, every value finite;</li>
 *   <li>convert the pieces side by side into the staging folder (the checkpoint's sha256 computed meanwhile), then
 *       write {@code MODELS.md} and {@code SHA256SUMS} there, listing exactly this run's artifacts;</li>
 *   <li>commit: move the artifacts into the folder, replacing those of the same names.</li>
 * </ol>
 * Entries of the folder that this run did not write (another checkpoint's packages, a stray file) stay, are not
 * listed, and are reported in {@link Report#unlisted()}.
 */
public final class ConvertService {
    private ConvertService() {}

    /** Everything one conversion wrote, and what else the folder holds. */
    public record Report(Path checkpoint, Path outDir, Mrt2Dims dims, String checkpointSha256,
                         List<ConversionPiece.Result> pieces, Path manifest, int manifestEntries,
                         List<UnlistedEntries.Entry> unlisted) {
        public Report {
            pieces = List.copyOf(pieces);
            unlisted = List.copyOf(unlisted);
        }
    }

    public static Report run(Path checkpoint, Path outDir, List<ConversionPiece> pieces, Consumer<String> log) {
        return run(checkpoint, outDir, pieces, DecoderConverter.DEFAULT_FRAMES, log);
    }

    /**
     * {@code decoderFrames}: token frames T of the decoder package. The FP16 decoder's rescale is measured by running
     * the FP32 decoder on the ML Program executor ({@link DecoderBlockProfiler}).
     */
    public static Report run(Path checkpoint, Path outDir, List<ConversionPiece> pieces, int decoderFrames,
                             Consumer<String> log) {
        return run(checkpoint, outDir, pieces, decoderFrames, new DecoderBlockProfiler(), log, Progress.NONE);
    }

    /** {@code decoderProfiler}: what measures the FP32 decoder's activations for the FP16 decoder's rescale. */
    public static Report run(Path checkpoint, Path outDir, List<ConversionPiece> pieces, int decoderFrames,
                             DecoderActivationProfiler decoderProfiler, Consumer<String> log) {
        return run(checkpoint, outDir, pieces, decoderFrames, decoderProfiler, log, Progress.NONE);
    }

    /** {@code progress}: the value check and the conversion, each a task counted in MB of weights read. */
    public static Report run(Path checkpoint, Path outDir, List<ConversionPiece> pieces, int decoderFrames,
                             DecoderActivationProfiler decoderProfiler, Consumer<String> log, Progress progress) {
        try (SafetensorsFile ckpt = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(ckpt);
            Outputs.requireWritableDirectory(outDir);
            try (StagedFolder out = StagedFolder.open(outDir, log)) {
                ConvertContext ctx = new ConvertContext(ckpt, dims, out.staging(), decoderFrames, log)
                        .withDecoderProfiler(decoderProfiler);
                List<String> artifacts = requireReplaceable(out, pieces, ctx);
                ctx.startHashing();   // overlaps the checkpoint's sha256 with the value check and the conversion
                Map<ConversionPiece, Long> weightBytes = checkInputs(pieces, ctx, progress);
                FaultPoint.reach("convert.checked");

                List<ConversionPiece.Result> results;
                int entries;
                try {
                    results = convertPieces(pieces, ctx, weightBytes, progress);
                    entries = writeIndex(ctx);
                } catch (OutputException e) {
                    // the file that failed lies in the hidden staging folder; what the user needs is the reason
                    // and that --out was not touched
                    throw new OutputException(outDir + ": cannot write the new artifacts: "
                            + OsReason.of(e.getCause()) + " (" + outDir.getFileName() + " is unchanged)", e.getCause());
                }
                FaultPoint.reach("convert.staged");
                out.commit();
                List<UnlistedEntries.Entry> unlisted = UnlistedEntries.classify(out.folder(),
                        out.otherEntries(artifacts), ctx.checkpointSha256());
                return new Report(checkpoint, outDir, dims, ctx.checkpointSha256(), results,
                        outDir.resolve(ChecksumManifest.DEFAULT_NAME), entries, unlisted);
            }
        }
    }

    /**
     * Pieces side by side (the full-size temporal body beside the rest); results in the order given. The bar moves
     * as each piece reads its weights: a piece runs on one thread, so a thread-local tells whose read it was, and each
     * piece counts up to the bytes it was found to read (topped up when it ends).
     */
    private static List<ConversionPiece.Result> convertPieces(List<ConversionPiece> pieces, ConvertContext ctx,
                                                              Map<ConversionPiece, Long> weightBytes,
                                                              Progress progress) {
        long total = weightBytes.values().stream().mapToLong(Long::longValue).sum();
        ThreadLocal<PieceBytes> reading = new ThreadLocal<>();
        try (Progress.Task task = progress.start("convert", megabytes(total), "MB")) {
            Megabytes done = new Megabytes(task);
            ctx.checkpoint().onRead(bytes -> {
                PieceBytes piece = reading.get();
                if (piece != null) {
                    done.accept(piece.add(bytes));
                }
            });
            return PieceRunner.runAll(pieces, ctx, PieceRunner.defaultThreads(pieces.size()),
                    piece -> reading.set(new PieceBytes(weightBytes.get(piece))),
                    piece -> {
                        done.accept(reading.get().rest());
                        reading.remove();
                        task.note(piece.name());
                    });
        } finally {
            ctx.checkpoint().onRead(bytes -> { });
        }
    }

    /** One piece's share of the bar: what it has read so far, never more than it was found to read. */
    private static final class PieceBytes {
        private final long budget;
        private long counted;

        PieceBytes(long budget) {
            this.budget = budget;
        }

        /** Counts {@code bytes}; returns how far that moves the bar. */
        long add(long bytes) {
            long step = Math.min(bytes, budget - counted);
            counted += step;
            return step;
        }

        /** What is left when the piece ends (a piece may read a tensor twice, or read through another path). */
        long rest() {
            return add(budget - counted);
        }
    }

    /**
     * Every top-level name the run will write must be free or an earlier artifact of the same kind: a package
     * directory replaces only a package, a file only a file. Returns those names.
     */
    private static List<String> requireReplaceable(StagedFolder out, List<ConversionPiece> pieces, ConvertContext ctx) {
        List<String> names = new ArrayList<>();
        for (ConversionPiece piece : pieces) {
            names.addAll(piece.outputs(ctx));
        }
        names.add(ArtifactIndex.FILE_NAME);
        names.add(ChecksumManifest.DEFAULT_NAME);
        for (String name : names) {
            if (name.endsWith(".mlpackage")) {
                out.requireReplaceable(name, true, "a .mlpackage",
                        dir -> Files.isRegularFile(dir.resolve(PackageLayout.MANIFEST)));
            } else {
                out.requireReplaceable(name, false, "a file", dir -> false);
            }
        }
        return names;
    }

    /**
     * Keys, shapes and dtypes of what every piece reads (each piece's own lookups, recorded), then every value;
     * returns the bytes each piece reads, which weigh the progress bar.
     */
    private static Map<ConversionPiece, Long> checkInputs(List<ConversionPiece> pieces, ConvertContext ctx,
                                                          Progress progress) {
        Map<String, CheckpointTensor> byKey = new TreeMap<>();
        Map<ConversionPiece, Long> bytes = new LinkedHashMap<>();
        for (ConversionPiece piece : pieces) {
            long sum = 0;
            for (CheckpointTensor t : piece.reads(ctx)) {
                byKey.putIfAbsent(t.key(), t);
                sum += t.file().info(t.key()).byteCount();
            }
            bytes.put(piece, sum);
        }
        long total = byKey.values().stream().mapToLong(t -> t.file().info(t.key()).byteCount()).sum();
        long start = System.nanoTime();
        try (Progress.Task task = progress.start("check", megabytes(total), "MB")) {
            CheckpointAudit.requireFinite(byKey.values(), new Megabytes(task));
        }
        ctx.log(String.format(Locale.ROOT, "check: %d keys, %d bytes, every value finite (%.2f s)", byKey.size(), total,
                (System.nanoTime() - start) / 1e9));
        return bytes;
    }

    /**
     * The staging folder's {@code MODELS.md} (every artifact with size and sha256), then {@code SHA256SUMS} over it
     * all; the staging folder holds this run's files and nothing else. Returns the manifest's entry count.
     */
    private static int writeIndex(ConvertContext ctx) {
        Path stage = ctx.outDir();
        Map<String, String> known = new TreeMap<>(ctx.writtenDigests());   // digests of files just written, reused
        for (ArtifactIndex.Entry e : ArtifactIndex.write(stage, Set.of(ChecksumManifest.DEFAULT_NAME), known)) {
            known.put(e.path(), e.sha256());
        }
        ctx.log("convert: wrote " + ArtifactIndex.FILE_NAME);
        int entries = ChecksumManifest.write(stage, stage.resolve(ChecksumManifest.DEFAULT_NAME), known).size();
        ctx.log("convert: wrote " + ChecksumManifest.DEFAULT_NAME + " (" + entries + " files)");
        return entries;
    }

    /** Whole MB, rounded up: the task's total. */
    private static long megabytes(long bytes) {
        return (bytes + 999_999) / 1_000_000;
    }

    /** Adds bytes from any thread and moves a task counted in MB by whole MB as they add up. */
    private static final class Megabytes implements LongConsumer {
        private final Progress.Task task;
        private long bytes;
        private long reported;

        Megabytes(Progress.Task task) {
            this.task = task;
        }

        @Override
        public synchronized void accept(long more) {
            bytes += more;
            long mb = megabytes(bytes);
            if (mb > reported) {
                task.advance(mb - reported);
                reported = mb;
            }
        }
    }
}
