package dev.mrt2.cli;

import dev.mrt2.mil.MilException;
import dev.mrt2.validate.ArtifactReport;
import dev.mrt2.validate.Gate;
import dev.mrt2.validate.ValidationOptions;
import dev.mrt2.validate.Validator;
import dev.mrt2.mil.exec.ExecutorException;
import java.nio.file.Path;
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

@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Run every package of a folder on the CPU and compare it with the checkpoint's reference.",
        description = {
            "Temporal: --steps streaming steps from fresh states (past the 41-frame wrap), per step and overall. "
                    + "Depth: token mismatches over --frames frames per sampling arm (argmax; T = 1.3 with seeded "
                    + "Gumbel noise), teacher-forced, alone and composed with the temporal package. Decoder: SNR, "
                    + "log-spectral distance, finite ratio.",
            "Corrected generation (needs --checkpoint): the carry temporal step over the same streaming steps with "
                    + "the host ring protocol; each depth rollout over 3 arms of --frames frames (argmax, T = 1.0 "
                    + "and T = 1.3 with noise), each frame fed the reference feedback of the previous one; FP32 "
                    + "rollout token-exact with feedback error <= 1e-3, FP16 flips counted and classified (near "
                    + "tie or not).",
            "Gates: finite ratio 1 and no non-finite op everywhere; temporal correlation >= 0.9999; FP32 depth "
                    + "token-exact; FP32 decoder SNR >= 100 dB, FP16 decoder SNR >= 40 dB. A failed gate exits 1 "
                    + "and names the figure on the last line. Receipts <artifact>_validation.json and .md go to "
                    + "--out."})
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

    @Option(names = "--skip-reference", description = "Compare with stored fixtures (--fixtures) instead of recomputing.")
    boolean skipReference;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Folder written by 'mrt2 fixtures generate'.")
    Path fixtures;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the receipts go. Default: a 'validation' folder next to --models.")
    Path out;

    @Option(names = "--min-temporal-correlation", defaultValue = "0.9999", paramLabel = "X",
            description = "Temporal correlation gate. Default: ${DEFAULT-VALUE}.")
    double minTemporalCorrelation;

    @Option(names = "--min-decoder-snr-db", defaultValue = "100", paramLabel = "DB",
            description = "FP32 decoder SNR gate. Default: ${DEFAULT-VALUE}.")
    double minDecoderSnrDb;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        if (skipReference && fixtures == null) {
            throw new ParameterException(spec.commandLine(), "--skip-reference needs --fixtures DIR");
        }
        if (!skipReference && checkpoint == null) {
            throw new ParameterException(spec.commandLine(), "--checkpoint FILE is required without --skip-reference");
        }
        ValidationOptions options = inputs.options(ValidationOptions.defaults().decoderFrames(),
                minTemporalCorrelation, minDecoderSnrDb);
        Path receipts = out != null ? out : models.toAbsolutePath().getParent().resolve("validation");
        Path seeds = inputs.seedFixturesDir();
        Validator.Run run;
        try {
            run = Validator.run(new Validator.Request(models, skipReference ? null : checkpoint,
                    skipReference ? fixtures : null, receipts, seeds, options), console::progress);
        } catch (MilException | ExecutorException e) {
            throw new ExitException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        if (output.json) {
            console.json(json(run));
        } else {
            for (ArtifactReport r : run.reports()) {
                console.result(r.info().artifact() + ": " + (r.passed() ? "passed" : "FAILED") + " ("
                        + r.gates().size() + " gates)");
            }
            run.receipts().forEach(p -> console.result("receipt: " + p));
        }
        List<Gate> failed = run.failedGates();
        if (!failed.isEmpty()) {
            throw new ExitException(ExitCodes.FAILURE, failed.size() + " gate(s) failed; first: " + failed.get(0).line());
        }
        return ExitCodes.OK;
    }

    static Map<String, Object> json(Validator.Run run) {
        Map<String, Object> artifacts = new TreeMap<>();
        for (ArtifactReport r : run.reports()) {
            artifacts.put(r.info().artifact(), r.json());
        }
        Map<String, Object> m = new TreeMap<>();
        m.put("passed", run.passed());
        m.put("artifacts", artifacts);
        m.put("failed_gates", run.failedGates());
        m.put("receipts", run.receipts().stream().map(p -> p.getFileName().toString()).toList());
        return m;
    }
}
