package dev.mrt2.cli;

import dev.mrt2.io.Outputs;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.exec.ExecutorException;
import dev.mrt2.mil.exec.HalfWeights;
import dev.mrt2.validate.ArtifactReport;
import dev.mrt2.validate.FixtureComparison;
import dev.mrt2.validate.Receipts;
import dev.mrt2.validate.ValidationOptions;
import dev.mrt2.validate.Validator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Run every package of a folder on the CPU and compare it with a reference: the port's published MLX "
                + "fixtures, our stored fixtures, or the checkpoint.",
        description = {
            "References: --fixtures DIR reads the port's published set as it is (temporal_streaming_carry_64.npz or "
                    + "its device fixture, reference_temporal_unrolled.npz, generated_tokens_unique.npy) and the "
                    + "files of 'mrt2 fixtures generate'; --checkpoint computes the reference (only what the "
                    + "fixtures lack, and nothing with --skip-reference). With both, the checkpoint is checked "
                    + "against the fixtures first (mrt2-model.md §3.1), and every package's metadata against both: "
                    + "a mismatch stops with one line naming the sha256s (exit 3).",
            "Comparisons: temporal packages streamed from fresh state (stateful: bias protocol; carry: host ring) "
                    + "against reference_outputs, and 2 teacher-forced steps against temporal_outputs_mlx; the depth "
                    + "package fed [fixture temporal output; prefix_embeddings] against depth_logits_mlx, alone and "
                    + "composed with each temporal package; sampling arms; depth rollouts; decoders (SNR, LSD); the "
                    + "codebook table (bytes, finite, sha256).",
            "Every package gets one line: passed, FAILED (the figure), or not covered (and which fixture would cover "
                    + "it). Exit 0 only when something was compared and every compared gate passed; --strict also "
                    + "fails uncovered packages. Figures print with 12 significant digits; --json prints the "
                    + "summary with its fixture_comparisons array. Receipts <artifact>_validation.json/.md and "
                    + "validation_summary.json/.md go to --out, all together at the end: a run that stops early "
                    + "(a bad fixture or package) leaves --out as it was."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Mixin
    ReferenceInputs inputs;

    @Option(names = "--models", required = true, paramLabel = "DIR", description = "Folder with the .mlpackages.")
    Path models;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "The checkpoint the packages came from.")
    Path checkpoint;

    @Option(names = "--skip-reference",
            description = "Never compute the reference from the checkpoint: compare with --fixtures only.")
    boolean skipReference;

    @Option(names = "--fixtures", paramLabel = "DIR",
            description = "A fixtures folder: the port's published set (e.g. shared/seed-fixtures) or one written by "
                    + "'mrt2 fixtures generate'.")
    Path fixtures;

    @Option(names = "--strict", description = "Fail (exit 1) when a package is not covered by the reference.")
    boolean strict;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the receipts go. Default: validation/<models folder name> next to --models.")
    Path out;

    @Option(names = "--min-temporal-correlation", defaultValue = "0.999", paramLabel = "X",
            description = "Streamed temporal correlation gate. Default: ${DEFAULT-VALUE} (the port's).")
    double minTemporalCorrelation;

    @Option(names = "--max-temporal-abs-error", defaultValue = "2.5", paramLabel = "X",
            description = "Streamed temporal max abs error gate. Default: ${DEFAULT-VALUE} (the port's).")
    double maxTemporalAbsError;

    @Option(names = "--min-decoder-snr-db", defaultValue = "100", paramLabel = "DB",
            description = "FP32 decoder SNR gate. Default: ${DEFAULT-VALUE}.")
    double minDecoderSnrDb;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        if (skipReference && fixtures == null) {
            throw new ParameterException(spec.commandLine(), "--skip-reference needs --fixtures DIR");
        }
        if (checkpoint == null && fixtures == null) {
            throw new ParameterException(spec.commandLine(), "--checkpoint FILE or --fixtures DIR is required");
        }
        ValidationOptions options = inputs.options(ValidationOptions.defaults().decoderFrames(),
                minTemporalCorrelation, maxTemporalAbsError, minDecoderSnrDb);
        Path receipts = out != null ? out : defaultReceipts(models);
        Outputs.requireWritableDirectory(receipts);   // before running anything
        Validator.Run run;
        Validator.Request request = new Validator.Request(models, checkpoint, fixtures, skipReference, receipts,
                inputs.seedFixturesDir(), options, strict);
        try {
            // A temporal package's weights as float32 panels (730 MB at full size) set validate's peak; kept binary16
            // the peak is about 440 MiB lower for the same wall time within this project's measurements, same bits.
            run = HalfWeights.preferredWhile(() -> Validator.run(request, console::progress, console.tasks()));
        } catch (MilException | ExecutorException e) {
            throw new ExitException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        if (output.json) {
            console.json(run.json(strict));
        } else {
            for (FixtureComparison c : run.comparisons()) {
                console.result(c.line());
            }
            for (ArtifactReport r : run.reports()) {
                console.result(r.line());
            }
            console.result("receipts: " + receipts + " (" + (run.receipts().size() + Receipts.SUMMARY_FILES)
                    + " files)");
        }
        String verdict = run.verdict(strict);
        if (verdict != null) {
            throw new ExitException(ExitCodes.FAILURE, verdict);
        }
        return ExitCodes.OK;
    }

    /**
     * {@code validation/<models folder name>} beside the models folder: receipts of two model folders with the same
     * parent never land in one place.
     */
    static Path defaultReceipts(Path models) {
        Path abs = models.toAbsolutePath().normalize();
        Path parent = abs.getParent() == null ? abs : abs.getParent();
        Path name = abs.getFileName();
        return parent.resolve("validation").resolve(name == null ? "root" : name.toString());
    }
}
