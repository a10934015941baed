package dev.mrt2.cli;

import dev.mrt2.convert.ConversionPiece;
import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.convert.DecoderBlockProfiler;
import dev.mrt2.convert.UnlistedEntries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "convert", mixinStandardHelpOptions = true,
        header = "Convert a checkpoint into the Core ML artifacts, then write their SHA256SUMS.",
        description = {
            "Dimensions come from the checkpoint's shapes. Before writing anything, every key the requested pieces "
                    + "read is checked (shape, a float dtype, every value finite).",
            "A run is one transaction: the artifacts are written into a staging folder beside --out and moved in only "
                    + "when every piece succeeded, so a failure, a full disk or a kill leaves --out as it was (a run "
                    + "killed while moving in is finished by the next one). MODELS.md and SHA256SUMS list exactly "
                    + "this run's artifacts; anything else in --out stays and is reported. A second convert into the "
                    + "same --out stops with the first one's pid."})
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
        ConvertService.Report report = ConvertService.run(checkpoint, out, pieces, decoderFrames,
                new DecoderBlockProfiler(), console::progress, console.tasks());
        warnUnlisted(console, report);
        if (output.json) {
            console.json(json(report));
        } else {
            summary(report).forEach(console::result);
        }
        return ExitCodes.OK;
    }

    /** What --out holds besides this run's artifacts: kept, not listed, said once. */
    static void warnUnlisted(Console console, ConvertService.Report report) {
        List<UnlistedEntries.Entry> unlisted = report.unlisted();
        if (!unlisted.isEmpty()) {
            console.warn(report.outDir() + " also holds " + unlisted.stream().map(UnlistedEntries.Entry::describe)
                    .collect(Collectors.joining(", ")) + "; not written by this run, not listed in "
                    + report.manifest().getFileName());
        }
    }

    /**
     * One line per piece with its artifacts and their sizes, then the manifest:
     * {@code depth        MRT2DepthBody.mlpackage (271392 bytes), MRT2DepthBody_export_metadata.json (2030 bytes)}.
     */
    static List<String> summary(ConvertService.Report report) {
        int width = report.pieces().stream().mapToInt(r -> r.piece().length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (ConversionPiece.Result r : report.pieces()) {
            Map<String, Long> artifacts = new LinkedHashMap<>();
            for (Path f : r.files()) {
                artifacts.merge(f.getName(0).toString(), size(report.outDir().resolve(f)), Long::sum);
            }
            lines.add(String.format(Locale.ROOT, "%-" + width + "s  %s", r.piece(), artifacts.entrySet().stream()
                    .map(a -> a.getKey() + " (" + a.getValue() + " bytes)").collect(Collectors.joining(", "))));
        }
        lines.add(report.outDir() + ": " + report.pieces().size() + " piece(s); " + report.manifest().getFileName()
                + " and MODELS.md list " + report.manifestEntries() + " files");
        return lines;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        m.put("checkpoint_sha256", report.checkpointSha256());
        List<Map<String, Object>> unlisted = new ArrayList<>();
        for (UnlistedEntries.Entry e : report.unlisted()) {
            Map<String, Object> u = new TreeMap<>();
            u.put("name", e.name());
            u.put("checkpoint_sha256", e.checkpointSha256());
            u.put("same_checkpoint", e.checkpointSha256() != null && e.sameCheckpoint());
            unlisted.add(u);
        }
        m.put("unlisted", unlisted);
        return m;
    }
}
