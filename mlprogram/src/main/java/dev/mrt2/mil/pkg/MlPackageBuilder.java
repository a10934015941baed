package dev.mrt2.mil.pkg;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.WeightSink;
import dev.mrt2.mil.codec.ModelValidator;
import dev.mrt2.mil.weights.WeightFileWriter;
import java.nio.file.Path;

/**
 * Builds one .mlpackage: constants stream into the package's weight.bin while the program is built, and
 * {@link #commit} writes model.mlmodel and Manifest.json, then renames the finished package onto the target.
 * <pre>
 * try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS18)) {
 *     MilBuilder b = pkg.builder();
 *     ... build ...
 *     PackageWriteResult r = pkg.commit(b.build(metadata));
 * }   // closing without a commit deletes the staging directory
 * </pre>
 */
public final class MlPackageBuilder implements AutoCloseable {
    private final Path target;
    private final Opset opset;
    private final StagingDirectory staging;
    private final WeightFileWriter weights;
    private MilBuilder builder;
    private boolean done;

    private MlPackageBuilder(Path target, Opset opset, StagingDirectory staging, WeightFileWriter weights) {
        this.target = target;
        this.opset = opset;
        this.staging = staging;
        this.weights = weights;
    }

    /** Starts a package for {@code target} in a hidden sibling directory; nothing appears at the target yet. */
    public static MlPackageBuilder create(Path target, Opset opset) {
        StagingDirectory staging = StagingDirectory.besides(target);
        try {
            return new MlPackageBuilder(target, opset, staging, PackageFiles.createWeights(staging.path()));
        } catch (RuntimeException e) {
            staging.close();
            throw e;
        }
    }

    public Path target() {
        return target;
    }

    public Opset opset() {
        return opset;
    }

    /** The package's streaming weight.bin. */
    public WeightSink weights() {
        return weights;
    }

    /** The builder wired to this package's weight.bin (one per package). */
    public MilBuilder builder() {
        if (builder == null) {
            builder = new MilBuilder(opset, weights);
        }
        return builder;
    }

    /** Validates {@code model}, writes the remaining files and moves the package onto the target. */
    public PackageWriteResult commit(Model model) {
        if (done) {
            throw new MilException(target + ": package already committed or closed");
        }
        if (model.specificationVersion() != opset.specificationVersion) {
            throw new MilException(target + ": model has specificationVersion " + model.specificationVersion()
                    + " but the package was created for " + opset + " (" + opset.specificationVersion + ")");
        }
        try {
            ModelValidator.validate(model);
            for (Operation op : model.program().main().block().operations()) {
                if (op.value() instanceof ConstValue.Blob blob && blob.storage() != weights) {
                    throw new MilException("op '" + op.name() + "': blob constant belongs to another weight file"
                            + " (use MlPackageWriter.write to re-write a model read from disk)");
                }
            }
        } catch (MilException e) {
            throw new MilException(target + ": " + e.getMessage(), e);
        }
        done = true;
        try {
            return PackageFiles.finish(staging, weights, model, target);
        } finally {
            weights.close();
            staging.close();
        }
    }

    /** Abandons an uncommitted package: the staging directory and its weight.bin are deleted. */
    @Override
    public void close() {
        done = true;
        weights.close();
        staging.close();
    }
}
