package dev.mrt2.validate;

import dev.mrt2.io.Progress;
import dev.mrt2.mil.pkg.Digests;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reference computed from the checkpoint with {@code dev.mrt2.validate.reference} (independent float32 math, no
 * executor), one case at a time so that only one case's weights are on the heap at once. It offers the same cases a
 * fixtures folder holds, under the same file names, so a comparison does not know which source it was given.
 */
public final class CheckpointReference {
    /** The arm whose tokens become the generated tokens and whose first frames the unrolled case: T = 1.3 with noise. */
    static final String GENERATOR_ARM = "noise_t13";

    private final Path checkpoint;
    private final Path seedFixtures;
    private final ValidationOptions options;
    private final Consumer<String> log;
    private final Progress progress;
    private final String source;
    private String sha256;

    /** @param seedFixtures the seed-fixtures folder whose inputs are reused where shapes fit, or null */
    public CheckpointReference(Path checkpoint, Path seedFixtures, ValidationOptions options, Consumer<String> log,
                               Progress progress) {
        this.checkpoint = checkpoint;
        this.seedFixtures = seedFixtures;
        this.options = options;
        this.log = log;
        this.progress = progress;
        this.source = "checkpoint " + checkpoint.getFileName();
    }

    public Path path() {
        return checkpoint;
    }

    /** The checkpoint's SHA-256, hashed once. */
    public String sha256() {
        if (sha256 == null) {
            log.accept("reference: hashing " + checkpoint.getFileName());
            sha256 = Digests.sha256(checkpoint);
        }
        return sha256;
    }

    /** Computes the cases {@code demand} asks for. */
    public ReferenceSet compute(Demand demand) {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
            InputFactory inputs = new InputFactory(dims, options.seed(), seedFixtures);
            List<ReferenceSet.TokenArm> arms = demand.arms() ? arms(file, dims, inputs, options.frames()) : List.of();
            ReferenceSet.TokenArm generator = null;
            if (demand.unrolled() || demand.generated()) {
                int frames = Math.max(options.frames(), FixtureFiles.UNROLLED_FRAMES);
                generator = arms.stream().filter(a -> a.name().equals(GENERATOR_ARM) && a.frames() >= frames)
                        .findFirst().orElseGet(() -> arm(file, dims, inputs, SamplingArm.byName(GENERATOR_ARM), frames));
            }
            return new ReferenceSet(checkpoint.getFileName().toString(), sha256(), options.seed(),
                    demand.stream() ? stream(file, dims, inputs) : null,
                    demand.unrolled() ? unrolled(file, dims, generator) : null,
                    demand.generated() ? new ReferenceSet.GeneratedTokens(generator.ids(), new Origin(
                            FixtureFiles.TOKENS, source, "arm " + GENERATOR_ARM + ": " + generator.origin().inputs()))
                            : null,
                    arms,
                    demand.rollouts() ? RolloutReference.compute(file, dims, inputs, options, source, log) : List.of(),
                    demand.decoderFrames() > 0 ? decoder(file, dims, inputs, demand.decoderFrames()) : null,
                    demand.codebooks() ? codebooks(file, dims) : null);
        }
    }

    /**
     * {@code steps} streaming steps from empty caches, the caches rounded to FP16 after every step as the port's
     * streaming reference does (mrt2-model.md §8.3): the package keeps FP16 caches too.
     */
    private ReferenceSet.TemporalStream stream(SafetensorsFile file, Mrt2Dims dims, InputFactory inputs) {
        int steps = options.steps();
        log.accept("reference: temporal, " + steps + " streaming steps");
        InputFactory.Stream in = inputs.temporalStream(steps);
        TemporalReference ref = TemporalReference.load(file, dims,
                new TemporalReference.Options(true, options.float64Reference()));
        float[][] out = new float[steps][];
        try (Progress.Task task = progress.start("reference: temporal stream", steps, "steps")) {
            for (int s = 0; s < steps; s++) {
                out[s] = ref.step(in.inputs()[s], in.sources()[s]);
                task.advance(1);
            }
        }
        return new ReferenceSet.TemporalStream(in.inputs(), in.sources(), out, new Origin(FixtureFiles.stream(steps),
                source, in.provenance() + "; caches rounded to FP16 after every step"));
    }

    /** The generator arm's first two frames, teacher-forced, with the depth logits of rows [temporal output; prefix]. */
    private ReferenceSet.Unrolled unrolled(SafetensorsFile file, Mrt2Dims dims, ReferenceSet.TokenArm arm) {
        int f = FixtureFiles.UNROLLED_FRAMES;
        log.accept("reference: unrolled, " + f + " teacher-forced frames with depth logits");
        FrameLoop loop = new FrameLoop(DepthReference.load(file, dims, options.float64Reference()),
                TokenEmbedding.load(file, dims), Sampler.standard(dims.codebookSize()));
        float[][][] logits = new float[f][][];
        for (int i = 0; i < f; i++) {
            logits[i] = loop.teacherForcedLogits(arm.temporalOutputs()[i], arm.ids()[i]);
        }
        return new ReferenceSet.Unrolled(Arrays.copyOf(arm.ids(), f), Arrays.copyOf(arm.temporalInputs(), f),
                Arrays.copyOf(arm.sources(), f), Arrays.copyOf(arm.temporalOutputs(), f),
                Arrays.copyOf(arm.prefix(), f), logits, new Origin(FixtureFiles.UNROLLED, source,
                "first " + f + " frames of arm " + GENERATOR_ARM + ": " + arm.origin().inputs()));
    }

    private List<ReferenceSet.TokenArm> arms(SafetensorsFile file, Mrt2Dims dims, InputFactory inputs, int frames) {
        List<ReferenceSet.TokenArm> arms = new ArrayList<>();
        for (SamplingArm arm : SamplingArm.DEFAULT) {
            arms.add(arm(file, dims, inputs, arm, frames));
        }
        return arms;
    }

    /** {@code frames} frames generated autoregressively: temporal step, then the §3.7 sampler on the depth body. */
    private ReferenceSet.TokenArm arm(SafetensorsFile file, Mrt2Dims dims, InputFactory inputs, SamplingArm arm,
                                      int frames) {
        log.accept("reference: " + frames + " frames of temporal + depth, arm " + arm.name());
        TemporalReference temporal = TemporalReference.load(file, dims,
                new TemporalReference.Options(false, options.float64Reference()));
        TokenEmbedding embedding = TokenEmbedding.load(file, dims);
        FrameLoop loop = new FrameLoop(DepthReference.load(file, dims, options.float64Reference()), embedding,
                Sampler.standard(dims.codebookSize()));
        InputFactory.Conditioning conditioning = inputs.conditioning();
        int levels = dims.rvqLevels();
        float[][][] gumbel = inputs.gumbel(frames, arm.noiseSalt());
        float[][] sources = new float[frames][];
        float[][] temporalInputs = new float[frames][];
        float[][] temporalOutputs = new float[frames][];
        int[][] ids = new int[frames][];
        float[][][] prefix = new float[frames][levels - 1][];
        float[] input = embedding.sos();
        try (Progress.Task task = progress.start("reference: arm " + arm.name(), frames, "frames")) {
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
                task.advance(1);
            }
        }
        return new ReferenceSet.TokenArm(arm.name(), arm.temperature(), gumbel, sources, temporalInputs,
                temporalOutputs, ids, prefix, new Origin(FixtureFiles.tokenArm(arm.name()), source,
                "noise " + inputs.gumbelProvenance(arm.noiseSalt()) + "; conditioning " + conditioning.provenance()));
    }

    private ReferenceSet.DecoderCase decoder(SafetensorsFile file, Mrt2Dims dims, InputFactory inputs, int frames) {
        log.accept("reference: decoder, " + frames + " token frames");
        InputFactory.Codes codes = inputs.decoderCodes(frames);
        float[][] embeddings = Codebooks.load(file, dims).embeddingsFromCodes(codes.codes());
        try (FastConv2d conv = FastConv2d.fastest()) {
            return new ReferenceSet.DecoderCase(codes.codes(), embeddings,
                    DecoderReference.load(file, dims, conv).decode(embeddings),
                    new Origin(FixtureFiles.DECODER, source, codes.provenance()));
        }
    }

    /** The first L levels of the quantizer as little-endian float32 (mrt2-model.md §5), hashed. */
    private ReferenceSet.CodebookCase codebooks(SafetensorsFile file, Mrt2Dims dims) {
        Codebooks table = Codebooks.load(file, dims);
        ByteBuffer bytes = ByteBuffer.allocate(4 * table.values().length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(table.values());
        List<Long> shape = List.of((long) dims.rvqLevels(), (long) dims.codebookSize(), (long) dims.codebookDim());
        return new ReferenceSet.CodebookCase(shape, bytes.capacity(), Digests.sha256(bytes.array()),
                new Origin(FixtureFiles.MANIFEST, source, "quantizer embedding, first " + dims.rvqLevels()
                        + " levels"));
    }

    /**
     * mrt2-model.md §3.1 on fixtures said to come from this checkpoint: the first temporal input is {@code 32 Emb[0]},
     * the second the mean of {@code 32 Emb[tokens[0]]}, and every prefix row {@code 32 Emb[token]}. Fixtures made
     * from another checkpoint fail here, in one line, before any package runs.
     */
    public void checkIdentities(ReferenceSet.Unrolled u, Path fixtures) {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
            Identities.check(u, TokenEmbedding.load(file, dims), fixtures.resolve(u.origin().fixture()),
                    checkpoint.getFileName().toString());
        }
    }
}
