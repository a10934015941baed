package dev.mrt2.cli;

import dev.mrt2.convert.ConversionPiece;
import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "convert", mixinStandardHelpOptions = true,
        header = "Convert a checkpoint into the Core ML artifacts, then write their SHA256SUMS.",
        description = "Dimensions come from the checkpoint's shapes. Each output file is written to a temp sibling and "
                + "renamed when complete, so a failed run leaves no half-written package.")
final class Convert implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "mrt2_small.safetensors (or a synthetic one).")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if absent).")
    Path out;

    @Option(names = "--only", split = ",", paramLabel = "PIECE", completionCandidates = PieceNames.class,
            description = "Convert only these pieces (comma-separated): ${COMPLETION-CANDIDATES}. Default: all.")
    List<String> only = new ArrayList<>();

    @Option(names = "--generation", paramLabel = "GEN",
            description = "Which packages: first (the stateful temporal step, depth logits, FP32 decoder), corrected "
                    + "(carry temporal step, in-graph depth rollouts, FP16 decoder, first-frame input), reference "
                    + "(the all-FP32 corrected chain for render and validate) or all (first + corrected, default). "
                    + "Codebooks belong to each. Not with --only, which picks pieces from any generation.")
    String generation;

    @Option(names = "--decoder-frames", defaultValue = "25", paramLabel = "T",
            description = "Token frames per decoder call: input [1, T, 256], output [1, 4T - 4, 480, 4]. Default: ${DEFAULT-VALUE}.")
    int decoderFrames;

    /** The registry's names, for help text. */
    static final class PieceNames extends ArrayList<String> {
        PieceNames() {
            super(ConversionPieces.names());
        }
    }

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        List<ConversionPiece> pieces;
        if (generation != null && !only.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--generation and --only exclude each other: --only "
                    + "already names pieces of either generation");
        }
        try {
            pieces = only.isEmpty() ? ConversionPieces.generation(generation == null
                    ? ConversionPieces.ALL_GENERATIONS : generation) : ConversionPieces.select(only);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (only.isEmpty() ? "--generation: " : "--only: ")
                    + e.getMessage());
        }
        if (decoderFrames < 2) {
            throw new ParameterException(spec.commandLine(), "--decoder-frames: " + decoderFrames
                    + " leaves no output (the first token frame is lookahead only); use 2 or more");
        }
        ConvertService.Report report = ConvertService.run(checkpoint, out, pieces, decoderFrames, console::progress);
        if (output.json) {
            console.json(json(report));
        } else {
            for (ConversionPiece.Result r : report.pieces()) {
                console.result(r.piece() + ": " + r.files().stream().map(f -> out.resolve(f).toString()).toList());
            }
            console.result("manifest: " + report.manifest() + " (" + report.manifestEntries() + " files)");
        }
        return ExitCodes.OK;
    }

    static Map<String, Object> json(ConvertService.Report report) {
        Map<String, Object> pieces = new TreeMap<>();
        for (ConversionPiece.Result r : report.pieces()) {
            Map<String, Object> p = new TreeMap<>(r.facts());
            p.put("files", r.files().stream().map(Path::toString).toList());
            pieces.put(r.piece(), p);
        }
        Map<String, Object> m = new TreeMap<>();
        m.put("checkpoint", report.checkpoint().toString());
        m.put("out", report.outDir().toString());
        m.put("pieces", pieces);
        m.put("manifest", report.manifest().toString());
        m.put("manifest_entries", report.manifestEntries());
        return m;
    }
}
