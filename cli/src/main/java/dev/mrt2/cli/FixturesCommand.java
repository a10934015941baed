package dev.mrt2.cli;

import dev.mrt2.io.Outputs;
import dev.mrt2.validate.CheckpointReference;
import dev.mrt2.validate.Demand;
import dev.mrt2.validate.FixtureWriter;
import dev.mrt2.validate.ReferenceSet;
import dev.mrt2.validate.ValidationOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "fixtures", mixinStandardHelpOptions = true,
        header = "Write reference fixtures for 'mrt2 validate --skip-reference'.",
        subcommands = FixturesCommand.Generate.class)
final class FixturesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            header = "Compute the reference from a checkpoint and store it with its inputs.",
            description = {
                "Writes the cases in the port's published formats (mrt2-model.md §8.3): "
                        + "temporal_streaming_carry_<N>.npz (deflated) with its device fixture (.json + raw "
                        + "float32 files), reference_temporal_unrolled.npz (stored), generated_tokens_unique.npy; "
                        + "then, with --format mrt2 (default), tokens_<arm>.npz, rollout_<arm>.npz and decoder.npz for "
                        + "the packages the published set does not cover; last reference_fixtures.json (checkpoint "
                        + "sha256, seed, input provenance, codebook identity).",
                "--format seed writes only the published files (and the manifest), so CI reads our reference "
                        + "through the same reader as the port's. Same checkpoint and options give the same bytes."})
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        JsonOption output;

        @Mixin
        ReferenceInputs inputs;

        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The checkpoint.")
        Path checkpoint;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the fixtures.")
        Path out;

        @Option(names = "--format", defaultValue = "mrt2", paramLabel = "FORMAT",
                description = "mrt2 (every case) or seed (the port's published files only). Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = "--decoder-frames", defaultValue = "25", paramLabel = "T",
                description = "Token frames of the decoder chunk (the package's T). Default: ${DEFAULT-VALUE}.")
        int decoderFrames;

        @Override
        public Integer call() {
            Console console = Console.of(spec);
            FixtureWriter.Format f = format(format);
            ValidationOptions d = ValidationOptions.defaults();
            ValidationOptions options = inputs.options(decoderFrames, d.minTemporalCorrelation(),
                    d.maxTemporalAbsError(), d.minDecoderSnrDb());
            if (f == FixtureWriter.Format.SEED && options.steps() != 64) {
                throw new ParameterException(spec.commandLine(), "--format seed writes the published 64-step "
                        + "streaming fixture; drop --steps " + options.steps());
            }
            Outputs.requireWritableDirectory(out);   // before computing the reference
            CheckpointReference reference = new CheckpointReference(checkpoint, inputs.seedFixturesDir(), options,
                    console::progress, console.tasks());
            ReferenceSet ref = reference.compute(f == FixtureWriter.Format.SEED ? Demand.published()
                    : Demand.all(decoderFrames));
            List<Path> files = FixtureWriter.write(ref, out, f);
            if (output.json) {
                Map<String, Object> m = new TreeMap<>();
                m.put("format", f.name().toLowerCase(Locale.ROOT));
                m.put("files", files.stream().map(p -> p.getFileName().toString()).toList());
                m.put("manifest", files.get(files.size() - 1).toString());
                m.put("checkpoint_sha256", ref.checkpointSha256());
                m.put("seed", ref.seed());
                console.json(m);
            } else {
                console.result("fixtures: " + out + " (" + files.size() + " files, format "
                        + f.name().toLowerCase(Locale.ROOT) + ", checkpoint sha256 " + ref.checkpointSha256() + ")");
            }
            return ExitCodes.OK;
        }

        private FixtureWriter.Format format(String name) {
            return switch (name) {
                case "mrt2" -> FixtureWriter.Format.MRT2;
                case "seed" -> FixtureWriter.Format.SEED;
                default -> throw new ParameterException(spec.commandLine(), "--format '" + name
                        + "': expected mrt2 or seed");
            };
        }
    }
}
