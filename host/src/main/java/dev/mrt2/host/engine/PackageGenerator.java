package dev.mrt2.host.engine;

import dev.mrt2.convert.DepthRolloutConverter;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The corrected generation on our executor (MODELS.md section 10): the carry temporal step with the host ring, then
 * the in-graph depth rollout; frame 0's input is {@code MRT2TemporalSosInput.f32.bin}, every later one the rollout's
 * {@code temporal_feedback}.
 */
public final class PackageGenerator implements TokenGenerator {
    private final MlProgramExecutor temporalExec;
    private final MlProgramExecutor rolloutExec;
    private final CarryTemporalStep temporal;
    private final FeatureDescription frame;
    private final FeatureDescription noise;
    private final FeatureDescription inverseTemperature;
    private final String rolloutName;
    private final float[] start;
    private final int levels;
    private final int codebookSize;
    private final String description;
    /** Whether {@link #close} closes the temporal executor: false when it was lent ({@link #borrowing}). */
    private final boolean ownsTemporal;

    private PackageGenerator(MlProgramExecutor temporalExec, boolean ownsTemporal, MlProgramExecutor rolloutExec,
                             CarryTemporalStep temporal, String temporalName, String rolloutName, float[] start) {
        this.temporalExec = temporalExec;
        this.ownsTemporal = ownsTemporal;
        this.rolloutExec = rolloutExec;
        this.temporal = temporal;
        this.rolloutName = rolloutName;
        this.frame = PackageInputs.input(rolloutExec, DepthRolloutConverter.FRAME, rolloutName);
        this.noise = PackageInputs.input(rolloutExec, DepthRolloutConverter.NOISE, rolloutName);
        this.inverseTemperature = PackageInputs.input(rolloutExec, DepthRolloutConverter.INVERSE_TEMPERATURE,
                rolloutName);
        int[] noiseShape = noise.type().intDims();
        this.levels = noiseShape[0];
        this.codebookSize = noiseShape[1];
        if (frame.type().intDims()[2] != temporal.modelDim()) {
            throw new BadInputException(rolloutName + ": takes temporal frames of width " + frame.type().intDims()[2]
                    + ", " + temporalName + " gives " + temporal.modelDim());
        }
        this.start = start;
        this.description = temporalName + " + " + rolloutName + " (executor, " + temporalExec.backend().name()
                .toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** Opens the chain's temporal and rollout packages in {@code models}. */
    public static PackageGenerator open(Path models, Precision precision) {
        MlProgramExecutor temporalExec = PackageChain.load(models, precision.temporalPackage(), precision);
        try {
            return withRollout(models, precision, temporalExec, true);
        } catch (RuntimeException e) {
            temporalExec.close();
            throw e;
        }
    }

    /**
     * The chain with its temporal package already loaded by the caller, who keeps it: {@link #close} closes only the
     * rollout package this opens. A full-size temporal package's weight panels take a second or two to build, so a
     * caller that has them (validate, right after the package's own checks) lends them instead of loading it again.
     */
    public static PackageGenerator borrowing(MlProgramExecutor temporalExec, Path models, Precision precision) {
        return withRollout(models, precision, temporalExec, false);
    }

    private static PackageGenerator withRollout(Path models, Precision precision, MlProgramExecutor temporalExec,
                                                boolean ownsTemporal) {
        MlProgramExecutor rolloutExec = PackageChain.load(models, precision.rolloutPackage(), precision);
        try {
            CarryTemporalStep temporal = new CarryTemporalStep(temporalExec, precision.temporalPackage());
            return new PackageGenerator(temporalExec, ownsTemporal, rolloutExec, temporal, precision.temporalPackage(),
                    precision.rolloutPackage(), SosInput.read(models, temporal.modelDim()));
        } catch (RuntimeException e) {
            rolloutExec.close();
            throw e;
        }
    }

    @Override
    public int modelDim() {
        return temporal.modelDim();
    }

    @Override
    public int sourceDim() {
        return temporal.sourceDim();
    }

    @Override
    public int levels() {
        return levels;
    }

    @Override
    public int codebookSize() {
        return codebookSize;
    }

    @Override
    public float[] startInput() {
        return start.clone();
    }

    @Override
    public float[] temporalStep(float[] input, float[] source) {
        return temporal.step(input, source);
    }

    @Override
    public float[] lastCacheValidBias() {
        return temporal.lastBias();
    }

    @Override
    public RolloutFrame rollout(float[] temporalOutput, float[] gumbel, float invT) {
        Map<String, NdArray> in = new HashMap<>();
        in.put(frame.name(), PackageInputs.floats(frame, temporalOutput));
        in.put(noise.name(), PackageInputs.floats(noise, gumbel));
        in.put(inverseTemperature.name(), PackageInputs.floats(inverseTemperature, new float[] {invT}));
        Map<String, NdArray> out = rolloutExec.predict(in);
        NdArray codes = out.get(DepthRolloutConverter.CODES);
        if (codes == null || codes.kind() != NdArray.Kind.I32 || codes.size() != levels) {
            throw new BadInputException(rolloutName + ": no int32 output '" + DepthRolloutConverter.CODES + "' ["
                    + levels + "]");
        }
        return new RolloutFrame(codes.ints().clone(),
                PackageInputs.output(out, DepthRolloutConverter.FEEDBACK, rolloutName).clone());
    }

    /** A frame streams the temporal and rollout packages' weights: 1.5 GB of float32 at full size. */
    @Override
    public boolean boundByMemory() {
        return true;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        try {
            if (ownsTemporal) {
                temporalExec.close();
            }
        } finally {
            rolloutExec.close();
        }
    }
}
