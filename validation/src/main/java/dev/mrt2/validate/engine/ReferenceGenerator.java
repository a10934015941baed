package dev.mrt2.validate.engine;

import dev.mrt2.host.engine.RolloutFrame;
import dev.mrt2.host.engine.TokenGenerator;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.validate.reference.DepthReference;
import dev.mrt2.validate.reference.FrameLoop;
import dev.mrt2.validate.reference.Sampler;
import dev.mrt2.validate.reference.TemporalReference;
import dev.mrt2.validate.reference.TokenEmbedding;
import java.nio.file.Path;

/**
 * {@code --engine reference}: the frame loop's two steps computed straight from the checkpoint by the independent
 * reference ({@link TemporalReference} with its SequenceLayers-style ring and shift caches in float32,
 * {@link FrameLoop#rollout} with the rollout package's sampling rule), no package involved.
 */
public final class ReferenceGenerator implements TokenGenerator {
    private final TemporalReference temporal;
    private final FrameLoop loop;
    private final TokenEmbedding embedding;
    private final Mrt2Dims dims;
    private final String checkpointName;

    private ReferenceGenerator(TemporalReference temporal, FrameLoop loop, TokenEmbedding embedding, Mrt2Dims dims,
                               String checkpointName) {
        this.temporal = temporal;
        this.loop = loop;
        this.embedding = embedding;
        this.dims = dims;
        this.checkpointName = checkpointName;
    }

    /** Reads the temporal, depth and embedding weights (about 900 MB of float32 at full size). */
    public static ReferenceGenerator open(Path checkpoint) {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
            TokenEmbedding embedding = TokenEmbedding.load(file, dims);
            FrameLoop loop = new FrameLoop(DepthReference.load(file, dims, false), embedding,
                    Sampler.standard(dims.codebookSize()));
            return new ReferenceGenerator(TemporalReference.load(file, dims, TemporalReference.Options.DEFAULT), loop,
                    embedding, dims, checkpoint.getFileName().toString());
        }
    }

    @Override
    public int modelDim() {
        return dims.temporalDim();
    }

    @Override
    public int sourceDim() {
        return dims.sourceDim();
    }

    @Override
    public int levels() {
        return dims.rvqLevels();
    }

    @Override
    public int codebookSize() {
        return dims.codebookSize();
    }

    @Override
    public float[] startInput() {
        return embedding.sos();
    }

    @Override
    public float[] temporalStep(float[] input, float[] source) {
        return temporal.step(input, source);
    }

    @Override
    public RolloutFrame rollout(float[] temporalOutput, float[] noise, float inverseTemperature) {
        FrameLoop.Frame frame = loop.rollout(temporalOutput, loop.perLevel(noise), inverseTemperature);
        return new RolloutFrame(frame.codes(), frame.feedback());
    }

    @Override
    public String describe() {
        return "reference from " + checkpointName;
    }

    @Override
    public void close() {
        // weights live on the heap; nothing to release
    }
}
