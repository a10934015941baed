package dev.mrt2.validate;

import dev.mrt2.io.Progress;
import java.nio.file.Path;

/** Short forms of the validation entry points for tests: quiet, no seed fixtures. */
final class TestRuns {
    private TestRuns() {}

    /** The cases {@code demand} asks for, computed from {@code checkpoint}. */
    static ReferenceSet compute(Path checkpoint, ValidationOptions options, Demand demand) {
        return new CheckpointReference(checkpoint, null, options, s -> { }, Progress.NONE).compute(demand);
    }

    /** {@code mrt2 fixtures generate} into {@code dir}. */
    static Path fixtures(Path checkpoint, ValidationOptions options, Demand demand, Path dir,
                         FixtureWriter.Format format) {
        FixtureWriter.write(compute(checkpoint, options, demand), dir, format);
        return dir;
    }

    static Validator.Run validate(Path models, Path checkpoint, Path fixtures, boolean skip, Path receipts,
                                  ValidationOptions options) {
        return Validator.run(new Validator.Request(models, checkpoint, fixtures, skip, receipts, null, options),
                s -> { }, Progress.NONE);
    }

    /** Against stored fixtures only ({@code --skip-reference}). */
    static Validator.Run stored(Path models, Path fixtures, Path receipts, ValidationOptions options) {
        return validate(models, null, fixtures, true, receipts, options);
    }

    /** Against the checkpoint only. */
    static Validator.Run live(Path models, Path checkpoint, Path receipts, ValidationOptions options) {
        return validate(models, checkpoint, null, false, receipts, options);
    }
}
