package dev.mrt2.cli;

import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.convert.DecoderBlockProfiler;
import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.io.Outputs;
import dev.mrt2.validate.ArtifactReport;
import dev.mrt2.validate.Gate;
import dev.mrt2.validate.ValidationOptions;
import dev.mrt2.validate.Validator;
import dev.mrt2.validate.fixtures.SeedFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The README's first command: the whole job on an embedded default, in one process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Run the whole job on a synthetic checkpoint: synth, convert, validate, checksum, verify.",
        description = "Writes DIR/mrt2_<preset>_seed<N>.safetensors, converts it into DIR/artifacts, validates every "
                + "package against the checkpoint (receipts in DIR/validation) and verifies the checksum manifest. "
                + "Exits 1 when a validation gate fails.")
final class Demo implements Callable<Integer> {
    private static final int STEPS = 5;

    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Option(names = "--preset", defaultValue = "tiny", description = "tiny (seconds) or small (full size). Default: ${DEFAULT-VALUE}.")
    Preset preset;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "PRNG seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", defaultValue = "out/demo", paramLabel = "DIR", description = "Working directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        Outputs.requireWritableDirectory(out);
        Path checkpoint = out.resolve("mrt2_" + preset + "_seed" + seed + ".safetensors");
        Path artifacts = out.resolve("artifacts");

        console.progress(step(1, "synth " + preset + " checkpoint, seed " + seed + " -> " + checkpoint));
        Synth.Result synth = Synth.write(checkpoint, preset, seed, Runtime.getRuntime().availableProcessors(),
                console.tasks());

        console.progress(step(2, "convert " + String.join(",", ConversionPieces.names()) + " -> " + artifacts));
        ConvertService.Report report = ConvertService.run(checkpoint, artifacts, ConversionPieces.all(),
                DecoderConverter.DEFAULT_FRAMES, new DecoderBlockProfiler(), console::detail, console.tasks());
        Convert.warnUnlisted(console, report);

        Path receipts = out.resolve("validation");
        console.progress(step(3, "validate " + artifacts + " against " + checkpoint.getFileName() + " -> " + receipts));
        Validator.Run validation = Validator.run(new Validator.Request(artifacts, checkpoint, null, receipts,
                SeedFixtures.dirIfPresent(), ValidationOptions.defaults()), console::detail);

        console.progress(step(4, "checksum: " + report.manifest() + " lists " + report.manifestEntries() + " files"));

        console.progress(step(5, "verify " + report.manifest()));
        ChecksumManifest.Verification verification = ChecksumManifest.verify(report.manifest(), artifacts);
        if (!verification.passed()) {
            throw new ExitException(ExitCodes.FAILURE, report.manifest() + ": verification failed: "
                    + verification.problems());
        }

        if (output.json) {
            Map<String, Object> m = new TreeMap<>();
            m.put("synth", synth.json());
            m.put("convert", Convert.json(report));
            m.put("validate", ValidateCommand.json(validation));
            m.put("verify", Checksum.json(verification));
            console.json(m);
        } else {
            console.result("checkpoint: " + checkpoint + " (" + synth.keys() + " keys, " + synth.bytes() + " bytes, sha256 "
                    + synth.sha256() + ")");
            console.result("artifacts:  " + artifacts + " (" + report.manifestEntries() + " files, "
                    + String.join(", ", report.pieces().stream().map(p -> p.piece()).toList()) + ")");
            for (ArtifactReport r : validation.reports()) {
                console.result("validated:  " + r.info().artifact() + ": " + (r.passed() ? "passed" : "FAILED") + " ("
                        + r.gates().size() + " gates)");
            }
            console.result("verified:   " + report.manifest() + " OK, " + verification.matched() + " files");
        }
        List<Gate> failed = validation.failedGates();
        if (!failed.isEmpty()) {
            throw new ExitException(ExitCodes.FAILURE, failed.size() + " gate(s) failed; first: " + failed.get(0).line());
        }
        return ExitCodes.OK;
    }

    private static String step(int n, String what) {
        return "[" + n + "/" + STEPS + "] " + what;
    }
}
