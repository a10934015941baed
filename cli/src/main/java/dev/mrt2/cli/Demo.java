package dev.mrt2.cli;

import dev.mrt2.convert.ConversionPiece;
import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.convert.DecoderBlockProfiler;
import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.io.Outputs;
import dev.mrt2.validate.ArtifactReport;
import dev.mrt2.validate.ValidationOptions;
import dev.mrt2.validate.Validator;
import dev.mrt2.validate.fixtures.SeedFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The README's first command: the whole job on an embedded default, in one process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Run the whole job on a synthetic checkpoint: synth, convert, validate, checksum, verify, golden bytes.",
        description = "Writes DIR/mrt2_<preset>_seed<N>.safetensors, converts it into DIR/artifacts, validates every "
                + "package against the checkpoint (receipts in DIR/validation), verifies the checksum manifest, and "
                + "compares every artifact with the reference bytes pinned for the preset and seed (seed 0; "
                + "fixtures/golden in the repository): a self-test that this machine converts exactly as ours do. "
                + "Exits 1 when a validation gate fails or a byte differs from the reference.")
final class Demo implements Callable<Integer> {
    private static final int STEPS = 6;

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

        // what `mrt2 convert` writes by default (both shipped generations), so the golden manifest applies
        List<ConversionPiece> pieces = ConversionPieces.generation(ConversionPieces.ALL_GENERATIONS);
        console.progress(step(2, "convert " + String.join(",", pieces.stream().map(ConversionPiece::name).toList())
                + " -> " + artifacts));
        ConvertService.Report report = ConvertService.run(checkpoint, artifacts, pieces,
                DecoderConverter.DEFAULT_FRAMES, new DecoderBlockProfiler(), console::detail, console.tasks());
        Convert.warnUnlisted(console, report);

        Path receipts = out.resolve("validation");
        console.progress(step(3, "validate " + artifacts + " against " + checkpoint.getFileName() + " -> " + receipts));
        Validator.Run validation = Validator.run(new Validator.Request(artifacts, checkpoint, null, false, receipts,
                SeedFixtures.dirIfPresent(), ValidationOptions.defaults()), console::detail,
                console.tasks());

        console.progress(step(4, "checksum: " + report.manifest() + " lists " + report.manifestEntries() + " files"));

        console.progress(step(5, "verify " + report.manifest()));
        ChecksumManifest.Verification verification = ChecksumManifest.verify(report.manifest(), artifacts);
        if (!verification.passed()) {
            throw new ExitException(ExitCodes.FAILURE, report.manifest() + ": verification failed: "
                    + verification.problems());
        }

        Optional<List<ChecksumManifest.Entry>> golden = GoldenManifests.find(preset, seed);
        Path goldenLabel = GoldenManifests.label(preset, seed);
        ChecksumManifest.Verification reference = null;
        if (golden.isPresent()) {
            console.progress(step(6, "compare " + artifacts + " with the reference bytes " + goldenLabel));
            reference = ChecksumManifest.verify(goldenLabel, golden.get(), artifacts);
        } else {
            console.progress(step(6, "no reference bytes are pinned for " + preset + " seed " + seed
                    + " (only seed 0 is); skipped"));
        }

        if (output.json) {
            Map<String, Object> m = new TreeMap<>();
            m.put("golden", reference == null ? null : Checksum.json(reference));
            m.put("synth", synth.json());
            m.put("convert", Convert.json(report));
            m.put("validate", validation.json(false));
            m.put("verify", Checksum.json(verification));
            console.json(m);
        } else {
            console.result("checkpoint: " + checkpoint + " (" + synth.keys() + " keys, " + synth.bytes() + " bytes, sha256 "
                    + synth.sha256() + ")");
            console.result("artifacts:  " + artifacts + " (" + report.manifestEntries() + " files, "
                    + String.join(", ", report.pieces().stream().map(p -> p.piece()).toList()) + ")");
            for (ArtifactReport r : validation.reports()) {
                console.result("validated:  " + r.line());
            }
            console.result("verified:   " + report.manifest() + " OK, " + verification.matched() + " files");
            console.result("golden:     " + goldenLine(reference, goldenLabel));
        }
        if (reference != null && !reference.passed()) {
            throw new ExitException(ExitCodes.FAILURE, "this machine does not reproduce the reference bytes of "
                    + goldenLabel + ": " + reference.problems());
        }
        String verdict = validation.verdict(false);
        if (verdict != null) {
            throw new ExitException(ExitCodes.FAILURE, verdict);
        }
        return ExitCodes.OK;
    }

    /** The one-line self-test: does this machine produce the pinned bytes? */
    private String goldenLine(ChecksumManifest.Verification reference, Path label) {
        if (reference == null) {
            return "no reference bytes pinned for " + preset + " seed " + seed + " (run with --seed 0 to check)";
        }
        return reference.passed()
                ? "this machine reproduces the reference bytes of " + label + " (" + reference.matched() + " files)"
                : "DIFFERS from " + label + ": " + reference.problems();
    }

    private static String step(int n, String what) {
        return "[" + n + "/" + STEPS + "] " + what;
    }
}
