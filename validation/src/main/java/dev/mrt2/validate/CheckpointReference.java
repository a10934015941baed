package dev.mrt2.validate;

import dev.mrt2.io.Progress;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.mil.pkg.FileDigests;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.validate.engine.ReferenceAudioDecoder;
import dev.mrt2.validate.reference.Codebooks;
import dev.mrt2.validate.reference.DecoderReference;
import dev.mrt2.validate.reference.DepthReference;
import dev.mrt2.validate.reference.FastConv2d;
import dev.mrt2.validate.reference.FrameLoop;
import dev.mrt2.validate.reference.Sampler;
import dev.mrt2.validate.reference.TemporalReference;
import dev.mrt2.validate.reference.TemporalWeights;
import dev.mrt2.validate.reference.TokenEmbedding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The reference computed from the checkpoint with {@code dev.mrt2.validate.reference} (independent float32 math, no
 * executor). The generation cases share one copy of the temporal, depth and embedding weights, dropped before the
 * rollouts and the decoder read theirs, so no two copies are ever on the heap. It offers the same cases a
 * fixtures folder holds, under the same file names, so a comparison does not know which source it was given.
 */
public final class CheckpointReference {
    /** The arm whose tokens become the generated tokens and whose first frames the unrolled case: T = 1.3 with noise. */
    static final String GENERATOR_ARM = "noise_t13";
    /** Streaming steps computed together: one read of the weights per block, and progress between blocks. */
    static final int STREAM_BLOCK = 16;

    private final Path checkpoint;
    private final Path seedFixtures;
    private final ValidationOptions options;
    private final Consumer<String> log;
    private final Progress progress;
    private final String source;
    /** Where the checkpoint's digest comes from when a validation hashes it beside the packages; else null. */
    private final FileDigests digests;
    private String sha256;

    /** @param seedFixtures the seed-fixtures folder whose inputs are reused where shapes fit, or null */
    public CheckpointReference(Path checkpoint, Path seedFixtures, ValidationOptions options, Consumer<String> log,
                               Progress progress) {
        this(checkpoint, seedFixtures, options, log, progress, null);
    }

    /** @param digests hashes the checkpoint (already asked, perhaps); null hashes it here when first needed */
    CheckpointReference(Path checkpoint, Path seedFixtures, ValidationOptions options, Consumer<String> log,
                        Progress progress, FileDigests digests) {
        this.checkpoint = checkpoint;
        this.digests = digests;
        this.seedFixtures = seedFixtures;
        this.options = options;
        this.log = log;
        this.progress = progress;
        this.source = "checkpoint " + checkpoint.getFileName();
        // a missing, unreadable or malformed checkpoint is bad input, named in one line before any hashing
        SafetensorsFile.open(checkpoint).close();
    }

    public Path path() {
        return checkpoint;
    }

    /** The checkpoint's SHA-256, hashed once. */
    public String sha256() {
        if (sha256 == null) {
            log.accept("reference: hashing " + checkpoint.getFileName());
            sha256 = digests != null ? digests.sha256(checkpoint) : Digests.sha256(checkpoint);
        }
        return sha256;
    }

    /** Computes the cases {@code demand} asks for. */
    public ReferenceSet compute(Demand demand) {
        return compute(demand, null);
    }

    /**
     * Computes the cases {@code demand} asks for, and {@code extra} (may be null) with the sampling arms, in lockstep
     * on the same weights, so a render from the checkpoint (the end-to-end check) neither reads them again nor passes
     * through them alone. With float64 sums the weights are not the float32 engine's, and {@code extra} is not run.
     */
    public ReferenceSet compute(Demand demand, LockstepGeneration extra) {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
            InputFactory inputs = new InputFactory(dims, options.seed(), seedFixtures);
            SharedWeights shared = new SharedWeights(file, dims, options.float64Reference());
            LockstepGeneration lockstep = options.float64Reference() ? null : extra;
            // the rollout arms' depth passes share the sampling arms' reads of the depth weights
            List<RolloutReference.Generation> rollouts = demand.rollouts()
                    ? RolloutReference.generations(dims, inputs, options) : List.of();
            List<LockstepGeneration> extras = new ArrayList<>();
            List<String> extraNames = new ArrayList<>();
            if (lockstep != null) {
                extras.add(lockstep);
                extraNames.add(lockstep.frames() + " frames of the end-to-end render");
            }
            if (!rollouts.isEmpty()) {
                extras.addAll(rollouts);
                extraNames.add(RolloutReference.describe(rollouts));
            }
            List<ReferenceSet.TokenArm> arms = demand.arms() || !extras.isEmpty()
                    ? arms(shared, inputs, demand.arms() ? SamplingArm.DEFAULT : List.of(), options.frames(), extras,
                    extraNames) : List.of();
            ReferenceSet.TokenArm generator = null;
            if (demand.unrolled() || demand.generated()) {
                int frames = Math.max(options.frames(), FixtureFiles.UNROLLED_FRAMES);
                generator = arms.stream().filter(a -> a.name().equals(GENERATOR_ARM) && a.frames() >= frames)
                        .findFirst().orElseGet(() -> arms(shared, inputs, List.of(SamplingArm.byName(GENERATOR_ARM)),
                                frames, List.of(), List.of()).get(0));
            }
            ReferenceSet.TemporalStream stream = demand.stream() ? stream(shared, inputs) : null;
            ReferenceSet.Unrolled unrolled = demand.unrolled() ? unrolled(shared, generator) : null;
            shared.release();   // the decoder needs none of these
            return new ReferenceSet(checkpoint.getFileName().toString(), sha256(), options.seed(), stream, unrolled,
                    demand.generated() ? new ReferenceSet.GeneratedTokens(generator.ids(), new Origin(
                            FixtureFiles.TOKENS, source, "arm " + GENERATOR_ARM + ": " + generator.origin().inputs()))
                            : null,
                    arms,
                    RolloutReference.arms(rollouts, inputs, options, source),
                    decoder(file, dims, inputs, demand.decoderFrames(), lockstep),
                    demand.codebooks() ? codebooks(file, dims) : null);
        }
    }

    /**
     * The temporal, depth and embedding weights (900 MB of float32 at full size), each read from the checkpoint the
     * first time a case asks and then shared, so the heap never holds two copies and no case pays to read them again.
     */
    private static final class SharedWeights {
        private final SafetensorsFile file;
        private final Mrt2Dims dims;
        private final boolean float64;
        private TemporalWeights temporal;
        private DepthReference depth;
        private TokenEmbedding embedding;

        SharedWeights(SafetensorsFile file, Mrt2Dims dims, boolean float64) {
            this.file = file;
            this.dims = dims;
            this.float64 = float64;
        }

        /** A fresh temporal session (empty caches) on the shared weights. */
        TemporalReference temporal(boolean roundCachesToFp16) {
            if (temporal == null) {
                temporal = TemporalWeights.read(file, dims);
            }
            return new TemporalReference(temporal, new TemporalReference.Options(roundCachesToFp16, float64));
        }

        FrameLoop frameLoop() {
            if (depth == null) {
                depth = DepthReference.load(file, dims, float64);
            }
            return new FrameLoop(depth, embedding(), Sampler.standard(dims.codebookSize()));
        }

        TokenEmbedding embedding() {
            if (embedding == null) {
                embedding = TokenEmbedding.load(file, dims);
            }
            return embedding;
        }

        void release() {
            temporal = null;
            depth = null;
            embedding = null;
        }
    }

    /**
     * {@code steps} streaming steps from empty caches, the caches rounded to FP16 after every step as the port's
     * streaming reference does (mrt2-model.md §8.3): the package keeps FP16 caches too. The inputs are given, so the
     * steps run teacher-forced, {@value #STREAM_BLOCK} at a time (the same sums as one by one).
     */
    private ReferenceSet.TemporalStream stream(SharedWeights shared, InputFactory inputs) {
        int steps = options.steps();
        log.accept("reference: temporal, " + steps + " streaming steps");
        InputFactory.Stream in = inputs.temporalStream(steps);
        TemporalReference ref = shared.temporal(true);
        float[][] out = new float[steps][];
        try (Progress.Task task = progress.start("reference: temporal stream", steps, "steps")) {
            for (int s0 = 0; s0 < steps; s0 += STREAM_BLOCK) {
                int s1 = Math.min(steps, s0 + STREAM_BLOCK);
                float[][] block = ref.steps(Arrays.copyOfRange(in.inputs(), s0, s1),
                        Arrays.copyOfRange(in.sources(), s0, s1));
                System.arraycopy(block, 0, out, s0, s1 - s0);
                task.advance(s1 - s0);
            }
        }
        return new ReferenceSet.TemporalStream(in.inputs(), in.sources(), out, new Origin(FixtureFiles.stream(steps),
                source, in.provenance() + "; caches rounded to FP16 after every step"));
    }

    /** The generator arm's first two frames, teacher-forced, with the depth logits of rows [temporal output; prefix]. */
    private ReferenceSet.Unrolled unrolled(SharedWeights shared, ReferenceSet.TokenArm arm) {
        int f = FixtureFiles.UNROLLED_FRAMES;
        log.accept("reference: unrolled, " + f + " teacher-forced frames with depth logits");
        FrameLoop loop = shared.frameLoop();
        float[][][] logits = new float[f][][];
        for (int i = 0; i < f; i++) {
            logits[i] = loop.teacherForcedLogits(arm.temporalOutputs()[i], arm.ids()[i]);
        }
        return new ReferenceSet.Unrolled(Arrays.copyOf(arm.ids(), f), Arrays.copyOf(arm.temporalInputs(), f),
                Arrays.copyOf(arm.sources(), f), Arrays.copyOf(arm.temporalOutputs(), f),
                Arrays.copyOf(arm.prefix(), f), logits, new Origin(FixtureFiles.UNROLLED, source,
                "first " + f + " frames of arm " + GENERATOR_ARM + ": " + arm.origin().inputs()));
    }

    /**
     * {@code frames} frames of each arm generated autoregressively: temporal step, then the §3.7 sampler on the depth
     * body. The arms, and {@code extras} (named in the progress line by {@code extraNames}) each for its own frame
     * count, are independent generations advancing in lockstep, so each temporal and depth weight is read once a frame
     * for all of them; each gets what it would alone.
     */
    private List<ReferenceSet.TokenArm> arms(SharedWeights shared, InputFactory inputs, List<SamplingArm> arms,
                                             int frames, List<LockstepGeneration> extras, List<String> extraNames) {
        InputFactory.Conditioning conditioning = inputs.conditioning();
        List<ArmGeneration> armGenerations = new ArrayList<>();
        for (SamplingArm arm : arms) {
            armGenerations.add(new ArmGeneration(arm, inputs.gumbel(frames, arm.noiseSalt()), conditioning.row(),
                    shared.dims.rvqLevels()));
        }
        List<LockstepGeneration> all = new ArrayList<>(armGenerations);
        List<String> parts = new ArrayList<>();
        if (!arms.isEmpty()) {
            parts.add(frames + " frames of temporal + depth, arm" + (arms.size() == 1 ? " " : "s ")
                    + String.join(", ", arms.stream().map(SamplingArm::name).toList()));
        }
        all.addAll(extras);
        parts.addAll(extraNames);
        lockstep(shared, all, String.join(" and ", parts));
        List<ReferenceSet.TokenArm> out = new ArrayList<>();
        for (ArmGeneration g : armGenerations) {
            SamplingArm arm = g.arm;
            out.add(new ReferenceSet.TokenArm(arm.name(), arm.temperature(), g.gumbel, g.sources, g.temporalInputs,
                    g.temporalOutputs, g.ids, g.prefix, new Origin(FixtureFiles.tokenArm(arm.name()), source,
                    "noise " + inputs.gumbelProvenance(arm.noiseSalt()) + "; conditioning "
                            + conditioning.provenance())));
        }
        return out;
    }

    /** Runs every generation to its own frame count, the ones still going stepped together each frame. */
    private void lockstep(SharedWeights shared, List<LockstepGeneration> generations, String names) {
        log.accept("reference: " + names);
        TokenEmbedding embedding = shared.embedding();
        FrameLoop loop = shared.frameLoop();
        int n = generations.size();
        TemporalReference[] temporal = new TemporalReference[n];
        float[][] input = new float[n][];
        int total = 0;
        for (int g = 0; g < n; g++) {
            temporal[g] = generations.get(g).temporal() ? shared.temporal(false) : null;
            input[g] = generations.get(g).start(embedding);
            total = Math.max(total, generations.get(g).frames());
        }
        try (Progress.Task task = progress.start("reference: " + names, total, "frames")) {
            for (int f = 0; f < total; f++) {
                int frame = f;
                int[] active = java.util.stream.IntStream.range(0, n)
                        .filter(g -> frame < generations.get(g).frames()).toArray();
                int[] stepped = java.util.Arrays.stream(active).filter(g -> temporal[g] != null).toArray();
                TemporalReference[] sessions = new TemporalReference[stepped.length];
                float[][] in = new float[stepped.length][];
                float[][] rows = new float[stepped.length][];
                for (int i = 0; i < stepped.length; i++) {
                    sessions[i] = temporal[stepped[i]];
                    in[i] = input[stepped[i]];
                    rows[i] = generations.get(stepped[i]).source(f);
                }
                float[][] temporalOut = stepped.length == 0 ? new float[0][]
                        : TemporalReference.stepEach(sessions, in, rows);
                // a depth-only generation's input is its frame's depth position 0
                float[][] out = new float[active.length][];
                FrameLoop.Rule[] rules = new FrameLoop.Rule[active.length];
                for (int i = 0, t = 0; i < active.length; i++) {
                    out[i] = temporal[active[i]] != null ? temporalOut[t++] : input[active[i]];
                    rules[i] = generations.get(active[i]).rule(loop, f);
                }
                FrameLoop.Frame[] sampled = loop.each(out, rules);
                for (int i = 0; i < active.length; i++) {
                    input[active[i]] = generations.get(active[i]).accept(f, out[i], sampled[i]);
                }
                task.advance(1);
            }
        }
    }

    /** A sampling arm as a lockstep generation: the §3.7 sampler with the arm's noise and temperature, every frame kept. */
    private static final class ArmGeneration implements LockstepGeneration {
        final SamplingArm arm;
        final float[][][] gumbel;
        final float[][] sources;
        final float[][] temporalInputs;
        final float[][] temporalOutputs;
        final int[][] ids;
        final float[][][] prefix;
        private final float[] conditioning;
        private TokenEmbedding embedding;
        private float[] next;

        ArmGeneration(SamplingArm arm, float[][][] gumbel, float[] conditioning, int levels) {
            int frames = gumbel.length;
            this.arm = arm;
            this.gumbel = gumbel;
            this.conditioning = conditioning;
            this.sources = new float[frames][];
            this.temporalInputs = new float[frames][];
            this.temporalOutputs = new float[frames][];
            this.ids = new int[frames][];
            this.prefix = new float[frames][levels - 1][];
        }

        @Override
        public int frames() {
            return gumbel.length;
        }

        @Override
        public float[] start(TokenEmbedding embedding) {
            this.embedding = embedding;
            next = embedding.sos();
            return next;
        }

        @Override
        public float[] source(int frame) {
            sources[frame] = conditioning;
            temporalInputs[frame] = next;
            return conditioning;
        }

        @Override
        public FrameLoop.Rule rule(FrameLoop loop, int frame) {
            return loop.sampleRule(gumbel[frame], arm.temperature());
        }

        @Override
        public float[] accept(int frame, float[] temporalOutput, FrameLoop.Frame sampled) {
            temporalOutputs[frame] = temporalOutput;
            ids[frame] = sampled.ids();
            for (int k = 0; k < prefix[frame].length; k++) {
                prefix[frame][k] = embedding.scaledRow(ids[frame][k]);
            }
            next = sampled.feedback();
            return next;
        }
    }

    /**
     * The decoder case of {@code frames} token frames (none when 0), and the lockstep generation's audio in the
     * windows it asks for, on one load of the decoder weights: the end-to-end check does not load them again.
     */
    private ReferenceSet.DecoderCase decoder(SafetensorsFile file, Mrt2Dims dims, InputFactory inputs, int frames,
                                             LockstepGeneration lockstep) {
        Set<Integer> windows = lockstep == null ? Set.of() : lockstep.decoderWindows();
        if (frames <= 0 && windows.isEmpty()) {
            return null;
        }
        if (frames > 0) {
            log.accept("reference: decoder, " + frames + " token frames");
        }
        Codebooks codebooks = Codebooks.load(file, dims);
        try (FastConv2d conv = FastConv2d.fastest()) {
            DecoderReference decoder = DecoderReference.load(file, dims, conv);
            ReferenceSet.DecoderCase decoded = null;
            if (frames > 0) {
                InputFactory.Codes codes = inputs.decoderCodes(frames);
                float[][] embeddings = codebooks.embeddingsFromCodes(codes.codes());
                decoded = new ReferenceSet.DecoderCase(codes.codes(), embeddings, decoder.decode(embeddings),
                        new Origin(FixtureFiles.DECODER, source, codes.provenance()));
            }
            for (int window : new TreeSet<>(windows)) {
                log.accept("reference: end-to-end audio, decoder windows of " + window + " token frames");
                try (ReferenceAudioDecoder audio = ReferenceAudioDecoder.sharing(codebooks, decoder, conv, dims, window,
                        checkpoint)) {
                    lockstep.decode(audio);
                }
            }
            return decoded;
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
