package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.validate.reference.Codebooks;
import dev.mrt2.validate.reference.DecoderReference;
import dev.mrt2.validate.reference.DepthReference;
import dev.mrt2.validate.reference.FrameLoop;
import dev.mrt2.validate.reference.Sampler;
import dev.mrt2.validate.reference.TemporalReference;
import dev.mrt2.validate.reference.TokenEmbedding;
import dev.mrt2.validate.reference.FastConv2d;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Computes the {@link ReferenceSet} straight from the checkpoint with {@code dev.mrt2.validate.reference}, one section
 * at a time so that only one section's weights are on the heap at once.
 */
final class ReferenceComputer {
    private final SafetensorsFile checkpoint;
    private final Mrt2Dims dims;
    private final ValidationOptions options;
    private final InputFactory inputs;
    private final Consumer<String> log;

    ReferenceComputer(SafetensorsFile checkpoint, Mrt2Dims dims, ValidationOptions options, InputFactory inputs,
                      Consumer<String> log) {
        this.checkpoint = checkpoint;
        this.dims = dims;
        this.options = options;
        this.inputs = inputs;
        this.log = log;
    }

    /** @param decoderFrames 0 to skip the decoder */
    ReferenceSet compute(String checkpointSha256, boolean temporal, boolean tokens, int decoderFrames) {
        return new ReferenceSet(checkpoint.path().getFileName().toString(), checkpointSha256, options.seed(),
                temporal ? temporalStream() : null, tokens ? arms() : List.of(),
                decoderFrames > 0 ? decoder(decoderFrames) : null);
    }

    private TemporalReference temporalReference() {
        return TemporalReference.load(checkpoint, dims,
                new TemporalReference.Options(false, options.float64Reference()));
    }

    ReferenceSet.TemporalStream temporalStream() {
        log.accept("reference: temporal, " + options.steps() + " streaming steps");
        InputFactory.Stream in = inputs.temporalStream(options.steps());
        TemporalReference ref = temporalReference();
        float[][] out = new float[options.steps()][];
        for (int s = 0; s < options.steps(); s++) {
            out[s] = ref.step(in.inputs()[s], in.sources()[s]);
        }
        return new ReferenceSet.TemporalStream(in.inputs(), in.sources(), out, in.provenance());
    }

    List<ReferenceSet.TokenArm> arms() {
        TemporalReference temporal = temporalReference();
        TokenEmbedding embedding = TokenEmbedding.load(checkpoint, dims);
        FrameLoop loop = new FrameLoop(DepthReference.load(checkpoint, dims, options.float64Reference()), embedding,
                Sampler.standard(dims.codebookSize()));
        InputFactory.Conditioning conditioning = inputs.conditioning();
        List<ReferenceSet.TokenArm> arms = new ArrayList<>();
        for (SamplingArm arm : SamplingArm.DEFAULT) {
            log.accept("reference: " + options.frames() + " frames of temporal + depth, arm " + arm.name());
            int frames = options.frames();
            int levels = dims.rvqLevels();
            float[][][] gumbel = inputs.gumbel(frames, arm.noiseSalt());
            float[][] sources = new float[frames][];
            float[][] temporalInputs = new float[frames][];
            float[][] temporalOutputs = new float[frames][];
            int[][] ids = new int[frames][];
            float[][][] prefix = new float[frames][levels - 1][];
            temporal.reset();
            float[] input = embedding.sos();
            for (int f = 0; f < frames; f++) {
                sources[f] = conditioning.row();
                temporalInputs[f] = input;
                temporalOutputs[f] = temporal.step(input, sources[f]);
                FrameLoop.Frame frame = loop.sample(temporalOutputs[f], gumbel[f], arm.temperature());
                ids[f] = frame.ids();
                for (int k = 0; k < levels - 1; k++) {
                    prefix[f][k] = embedding.scaledRow(ids[f][k]);
                }
                input = frame.feedback();
            }
            arms.add(new ReferenceSet.TokenArm(arm.name(), arm.temperature(), gumbel, sources, temporalInputs,
                    temporalOutputs, ids, prefix,
                    "noise " + inputs.gumbelProvenance(arm.noiseSalt()) + "; conditioning " + conditioning.provenance()));
        }
        return arms;
    }

    ReferenceSet.DecoderCase decoder(int frames) {
        log.accept("reference: decoder, " + frames + " token frames");
        InputFactory.Codes codes = inputs.decoderCodes(frames);
        float[][] embeddings = Codebooks.load(checkpoint, dims).embeddingsFromCodes(codes.codes());
        try (FastConv2d torch = FastConv2d.fastest()) {
            return new ReferenceSet.DecoderCase(codes.codes(), embeddings,
                    DecoderReference.load(checkpoint, dims, torch).decode(embeddings), codes.provenance());
        }
    }
}
