package dev.mrt2.convert;

import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code mrt2 convert}: opens the checkpoint, reads its dimensions, runs the selected pieces into the output
 * directory (side by side, while the checkpoint's sha256 is computed in the background), then writes the
 * directory's {@code MODELS.md} and checksum manifest.
 */
public final class ConvertService {
    private ConvertService() {}

    /** Everything one conversion wrote. */
    public record Report(Path checkpoint, Path outDir, Mrt2Dims dims, List<ConversionPiece.Result> pieces,
                         Path manifest, int manifestEntries) {
        public Report {
            pieces = List.copyOf(pieces);
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
        return run(checkpoint, outDir, pieces, decoderFrames, new DecoderBlockProfiler(), log);
    }

    /** {@code decoderProfiler}: what measures the FP32 decoder's activations for the FP16 decoder's rescale. */
    public static Report run(Path checkpoint, Path outDir, List<ConversionPiece> pieces, int decoderFrames,
                             DecoderActivationProfiler decoderProfiler, Consumer<String> log) {
        try (SafetensorsFile ckpt = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = readDims(ckpt);
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                throw new UncheckedIOException(outDir + ": cannot create: " + e.getMessage(), e);
            }
            ConvertContext ctx = new ConvertContext(ckpt, dims, outDir, decoderFrames, log)
                    .withDecoderProfiler(decoderProfiler);
            ctx.startHashing();   // overlaps the checkpoint's sha256 with the conversion
            // Pieces run side by side (the full-size temporal body beside the rest); results stay in registry order.
            int threads = PieceRunner.defaultThreads(pieces.size());
            List<ConversionPiece.Result> results = PieceRunner.runAll(pieces, ctx, threads);
            // The folder's MODELS.md (every artifact with size and sha256) first, so the manifest covers it too.
            // Digests of files written by this run are reused; anything else in the folder is read and hashed.
            Map<String, String> known = new TreeMap<>(ctx.writtenDigests());
            for (ArtifactIndex.Entry e : ArtifactIndex.write(outDir, Set.of(ChecksumManifest.DEFAULT_NAME), known)) {
                known.put(e.path(), e.sha256());
            }
            log.accept("convert: wrote " + outDir.resolve(ArtifactIndex.FILE_NAME));
            Path manifest = outDir.resolve(ChecksumManifest.DEFAULT_NAME);
            int entries = ChecksumManifest.write(outDir, manifest, known).size();
            log.accept("convert: wrote " + manifest + " (" + entries + " files)");
            return new Report(checkpoint, outDir, dims, results, manifest, entries);
        }
    }

    /** Shape problems in a checkpoint are the user's input, not our bug. */
    private static Mrt2Dims readDims(SafetensorsFile ckpt) {
        try {
            return Mrt2Dims.fromCheckpoint(ckpt);
        } catch (IllegalArgumentException | ArithmeticException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            String name = ckpt.path().getFileName().toString();
            throw new BadInputException(msg.startsWith(name) ? msg : name + ": " + msg, e);
        }
    }
}
