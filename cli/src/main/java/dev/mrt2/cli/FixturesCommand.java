package dev.mrt2.cli;

import dev.mrt2.validate.ReferenceFixtures;
import dev.mrt2.validate.ReferenceSet;
import dev.mrt2.validate.ValidationOptions;
import dev.mrt2.validate.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fixtures", mixinStandardHelpOptions = true,
        header = "Write reference fixtures (.npz) for 'mrt2 validate --skip-reference'.",
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
            description = "Writes temporal_stream.npz, tokens_<arm>.npz, decoder.npz and reference_fixtures.json "
                    + "(checkpoint sha256, seed, input provenance); same checkpoint and options give the same bytes.")
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

        @Option(names = "--decoder-frames", defaultValue = "25", paramLabel = "T",
                description = "Token frames of the decoder chunk (the package's T). Default: ${DEFAULT-VALUE}.")
        int decoderFrames;

        @Override
        public Integer call() throws Exception {
            Console console = Console.of(spec);
            ValidationOptions d = ValidationOptions.defaults();
            ValidationOptions options = inputs.options(decoderFrames, d.minTemporalCorrelation(), d.minDecoderSnrDb());
            Path seeds = inputs.seedFixturesDir();
            ReferenceSet ref = Validator.compute(checkpoint, seeds, options, true, true, decoderFrames,
                    console::progress);
            Files.createDirectories(out);
            Path manifest = ReferenceFixtures.write(ref, out);
            if (output.json) {
                Map<String, Object> m = new TreeMap<>();
                m.put("manifest", manifest.toString());
                m.put("checkpoint_sha256", ref.checkpointSha256());
                m.put("seed", ref.seed());
                console.json(m);
            } else {
                console.result("fixtures: " + manifest + " (checkpoint sha256 " + ref.checkpointSha256() + ")");
            }
            return ExitCodes.OK;
        }
    }
}
