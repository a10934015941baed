package dev.mrt2.cli;

import dev.mrt2.validate.ValidationOptions;
import dev.mrt2.validate.fixtures.SeedFixtures;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options that decide which inputs the reference is computed on, shared by {@code validate} and
 * {@code fixtures generate} so stored fixtures and live validation agree on their meaning and defaults.
 */
final class ReferenceInputs {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--steps", defaultValue = "64", paramLabel = "N",
            description = "Temporal streaming steps (at least 42). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--frames", defaultValue = "25", paramLabel = "N",
            description = "Token frames per sampling arm. Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--seed", defaultValue = "20260718", paramLabel = "N",
            description = "Seed of the generated inputs and noise. Default: ${DEFAULT-VALUE} (the seed fixtures').")
    long seed;

    @Option(names = "--seed-fixtures", paramLabel = "DIR",
            description = "The seed-fixtures folder (inputs reused where shapes fit). Default: from -Dmrt2.shared.dir.")
    Path seedFixtures;

    @Option(names = "--float64-reference", description = "Accumulate the reference's sums in float64.")
    boolean float64Reference;

    /** Validation options from these inputs plus the given decoder frames and gates; bad values are usage errors. */
    ValidationOptions options(int decoderFrames, double minTemporalCorrelation, double maxTemporalAbsError,
                              double minDecoderSnrDb) {
        try {
            return new ValidationOptions(steps, frames, decoderFrames, seed, float64Reference,
                    minTemporalCorrelation, maxTemporalAbsError, minDecoderSnrDb);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** The seed-fixtures folder: the option, else the one beside the checkout when present. */
    Path seedFixturesDir() {
        return seedFixtures != null ? seedFixtures : SeedFixtures.dirIfPresent();
    }
}
