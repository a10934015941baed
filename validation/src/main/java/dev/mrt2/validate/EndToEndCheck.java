package dev.mrt2.validate;

import dev.mrt2.convert.codebooks.CodebookExporter;
import dev.mrt2.convert.sos.SosInputExporter;
import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.host.conditioning.CfgGuidance;
import dev.mrt2.host.conditioning.ConditioningEncoder;
import dev.mrt2.host.conditioning.ConditioningTokens;
import dev.mrt2.host.conditioning.NoteRoll;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.host.engine.PackageAudioDecoder;
import dev.mrt2.host.engine.PackageGenerator;
import dev.mrt2.host.engine.Precision;
import dev.mrt2.host.engine.RolloutFrame;
import dev.mrt2.host.engine.TokenGenerator;
import dev.mrt2.host.noise.SamplingNoise;
import dev.mrt2.host.render.Renderer;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.io.Progress;
import dev.mrt2.mil.pkg.FileDigests;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.validate.engine.ReferenceAudioDecoder;
import dev.mrt2.validate.engine.ReferenceGenerator;
import dev.mrt2.validate.reference.DepthReference;
import dev.mrt2.validate.reference.FrameLoop;
import dev.mrt2.validate.reference.Sampler;
import dev.mrt2.validate.reference.TokenEmbedding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The whole chain (issue 14 item 5): the packages render {@code frames + 1} token frames (the last is the decoder's
 * lookahead, so {@code frames / 25} s of audio) from one conditioning row with seeded noise, and the reference engine
 * renders the same from the checkpoint, through the same frame loop, decoder windows and inverse STFT.
 * <ul>
 *   <li>FP32 chain ({@code convert --generation reference}): tokens identical frame by frame (gate: 0 frames differ)
 *       and PCM SNR against the reference (gate >= {@link #MIN_FP32_PCM_SNR_DB});</li>
 *   <li>FP16 chain (the shipped packages): divergence reported, not gated: the first frame and level that differ and
 *       whether that flip was a near tie by the reference's own scores (as the rollout check classifies flips), and
 *       the SNR of the audio before the divergence can reach it; gate: finite audio.</li>
 * </ul>
 * A chain missing from the folder is skipped; with neither, there is no report.
 */
final class EndToEndCheck {
    static final String ARTIFACT = "end_to_end";
    /** The FP32 decoder's own gate (SNR vs the reference decoder); the iSTFT is linear and shared, tokens identical. */
    static final double MIN_FP32_PCM_SNR_DB = 100;
    /** Temperature of the noisy arm the check renders with (the model's default). */
    static final float TEMPERATURE = Mrt2Constants.DEFAULT_TEMPERATURE;
    /** Style tokens of the fixture conditioning (mrt2-model.md §7), with the usual guidance (3.0, 1.0, 1.0). */
    static final int[] STYLE = {660, 1016, 295, 206, 857, 841, 391, 857, 619, 70, 401, 22};

    private EndToEndCheck() {}

    /**
     * What the check needs before any package runs: the chains to render, the conditioning row, and the reference
     * engine's token frames once recorded. The reference phase generates them in lockstep with its sampling arms
     * ({@link LockstepGeneration}), on the weights it already holds; when it does not run (fixtures hold every case,
     * or float64 sums), {@link #record} renders them with a reference engine of their own.
     */
    static final class Plan implements LockstepGeneration {
        private final List<Precision> chains;
        private final float[][] conditioning;
        private final int frames;
        private final long seed;
        private final String checkpointName;
        /** Tokens a call of each chain's decoder package, when the folder's description gives them. */
        private final Set<Integer> decoderWindows;
        /** The reference's audio of the recorded frames, by decoder window, decoded once for all chains. */
        private final Map<Integer, Renderer.Result> referenceAudio = new TreeMap<>();
        /** The chains' own frames, generated while their temporal package was loaded for its checks. */
        private final Map<Precision, Recording> generated = new java.util.EnumMap<>(Precision.class);
        private Recording recording;
        /** While the reference phase generates the frames in lockstep: the frames so far. */
        private Recording lockstep;
        private SamplingNoise noise;

        private Plan(List<Precision> chains, float[][] conditioning, int frames, long seed, String checkpointName,
                     Set<Integer> decoderWindows) {
            this.chains = chains;
            this.decoderWindows = Set.copyOf(decoderWindows);
            this.conditioning = conditioning;
            this.frames = frames;
            this.seed = seed;
            this.checkpointName = checkpointName;
        }

        // The render loop (Renderer.run) of the reference engine, one frame at a time, driven by the reference phase:
        // the same start, source rows, noise draws and rollout rule as ReferenceGenerator gives the renderer.

        @Override
        public int frames() {
            return frames;
        }

        @Override
        public float[] start(TokenEmbedding embedding) {
            lockstep = new Recording(embedding.sos().length, conditioning[0].length, embedding.levels(),
                    embedding.codebookSize(), "reference from " + checkpointName);
            noise = new SamplingNoise(seed, TEMPERATURE, embedding.levels(), embedding.codebookSize());
            lockstep.start = embedding.sos();
            return lockstep.start;
        }

        @Override
        public float[] source(int frame) {
            return conditioning[Math.min(frame, conditioning.length - 1)];
        }

        @Override
        public FrameLoop.Rule rule(FrameLoop loop, int frame) {
            float[] g = noise.next();
            lockstep.noise.add(g);
            return loop.rolloutRule(loop.perLevel(g), noise.inverseTemperature());
        }

        @Override
        public float[] accept(int frame, float[] temporalOutput, FrameLoop.Frame sampled) {
            lockstep.outputs.add(temporalOutput);
            lockstep.frames.add(new RolloutFrame(sampled.codes(), sampled.feedback()));
            if (lockstep.outputs.size() == frames) {
                recording = lockstep;
                lockstep = null;
            }
            return sampled.feedback();
        }

        /** The chains' decoder windows once the frames are recorded: their audio is decoded on the reference's load. */
        @Override
        public Set<Integer> decoderWindows() {
            return recording == null ? Set.of() : decoderWindows;
        }

        @Override
        public void decode(AudioDecoder decoder) {
            referenceAudio.put(decoder.frames(), Renderer.run(recording.replay(), decoder,
                    request(conditioning, frames, seed, WindowPlan.exactHop(decoder.frames())), Progress.NONE, null));
        }

        /** Records the reference render's frames with {@code generator} (a float32 reference engine). */
        void record(TokenGenerator generator) {
            recording = Recording.of(generator, conditioning, frames, seed);
        }

        boolean recorded() {
            return recording != null;
        }

        /**
         * Generates the frames of every chain whose temporal package is {@code temporal}, on its executor {@code exec}
         * (loaded and watched no more by the caller, who keeps it): the chain's check then finds them here instead of
         * loading the package again. Returns the chains generated.
         */
        List<Precision> generateWith(Path models, PackageInfo temporal, MlProgramExecutor exec) {
            List<Precision> done = new ArrayList<>();
            for (Precision p : chains) {
                if (p.temporalPackage().equals(temporal.fileName()) && !generated.containsKey(p)) {
                    try (TokenGenerator g = PackageGenerator.borrowing(exec, models, p)) {
                        generated.put(p, Recording.of(g, conditioning, frames, seed));
                    }
                    done.add(p);
                }
            }
            return done;
        }

        /** Whether {@code temporal} is the temporal package of a chain this plan renders. */
        boolean uses(PackageInfo temporal) {
            return chains.stream().anyMatch(p -> p.temporalPackage().equals(temporal.fileName()));
        }

        /** The decoder windows whose reference audio is already decoded. */
        Set<Integer> decodedWindows() {
            return Set.copyOf(referenceAudio.keySet());
        }
    }

    /**
     * The plan, or null when no checkpoint is given, the reference may not be computed ({@code --skip-reference}) or
     * the folder holds no complete chain.
     */
    static Plan plan(Validator.Request request) {
        return plan(request, List.of());
    }

    /** The plan; {@code artifacts} (the folder's, classified) give the chains' decoder windows. */
    static Plan plan(Validator.Request request, List<PackageInfo> artifacts) {
        List<Precision> chains = new ArrayList<>();
        Set<Integer> windows = new TreeSet<>();
        for (Precision p : Precision.values()) {
            if (request.checkpoint() != null && !request.skipReference() && complete(request.models(), p)) {
                chains.add(p);
                artifacts.stream().filter(a -> a.kind() == PackageInfo.Kind.DECODER
                        && a.fileName().equals(p.decoderPackage())).forEach(a -> {
                            List<Integer> shape = a.inputShape(DecoderCheck.INPUT);
                            if (shape.size() == 3 && shape.get(1) >= 2) {
                                windows.add(shape.get(1));
                            }
                        });
            }
        }
        if (chains.isEmpty()) {
            return null;
        }
        return new Plan(chains, conditioning(request.checkpoint()), request.options().frames() + 1,
                request.options().seed(), request.checkpoint().getFileName().toString(), windows);
    }

    /** The report of {@link #plan}'s chains; nothing when there is no plan. */
    static List<ArtifactReport> run(Validator.Request request, ReferenceInfo reference, Consumer<String> log) {
        return run(request, plan(request), reference, log);
    }

    static List<ArtifactReport> run(Validator.Request request, Plan plan, ReferenceInfo reference,
                                    Consumer<String> log) {
        try (FileDigests digests = new FileDigests()) {
            return run(request, plan, reference, log, digests);
        }
    }

    /** @param digests the validation's file digests: the packages' weight files were hashed when classified */
    static List<ArtifactReport> run(Validator.Request request, Plan plan, ReferenceInfo reference,
                                    Consumer<String> log, FileDigests digests) {
        if (plan == null) {
            return List.of();
        }
        Path checkpoint = request.checkpoint();
        int frames = plan.frames;
        long seed = plan.seed;
        if (!plan.recorded()) {
            log.accept("validate: end to end, reference engine, " + frames + " token frames");
            try (ReferenceGenerator g = ReferenceGenerator.open(checkpoint)) {
                plan.record(g);
            }
        }
        Map<String, Object> results = new TreeMap<>();
        List<Gate> gates = new ArrayList<>();
        SortedMap<String, String> files = new TreeMap<>();
        Map<Integer, Renderer.Result> references = plan.referenceAudio;   // by decoder window: both chains share one
        for (Precision p : plan.chains) {
            log.accept("validate: end to end, " + p.name().toLowerCase(java.util.Locale.ROOT) + " packages vs reference, " + frames
                    + " token frames, seed " + seed);
            Chain chain = new Chain(request.models(), checkpoint, p, plan, plan.recording);
            Map<String, Object> r = chain.compare(references);
            String prefix = "end_to_end." + p.name().toLowerCase(java.util.Locale.ROOT) + ".";
            gates.add(Gate.exactly(ARTIFACT, null, prefix + "pcm_finite_ratio", (double) r.get("pcm_finite_ratio"), 1,
                    "every rendered sample must be finite"));
            if (p == Precision.FP32) {
                gates.add(Gate.exactly(ARTIFACT, null, prefix + "frames_with_token_mismatch",
                        ((Number) r.get("frames_with_token_mismatch")).doubleValue(), 0,
                        "an all-FP32 chain computes what the reference computes: the same token in every frame"));
                gates.add(Gate.atLeast(ARTIFACT, null, prefix + "pcm_snr_db", (double) r.get("pcm_snr_db"),
                        MIN_FP32_PCM_SNR_DB, "the FP32 decoder's own gate; the inverse STFT is shared and linear"));
            }
            results.put(p.name().toLowerCase(java.util.Locale.ROOT), r);
            for (String pkg : List.of(p.temporalPackage(), p.rolloutPackage(), p.decoderPackage())) {
                files.put(pkg, digests.sha256(request.models().resolve(pkg)
                        .resolve("Data/com.apple.CoreML/weights/weight.bin")));
            }
        }
        List<Precision> chains = plan.chains;
        results.put("conditioning", "checkpoint encoder: style tokens " + java.util.Arrays.toString(STYLE)
                + ", notes and drums masked, CFG tokens (20, 10, 2); one row");
        results.put("temperature", Double.parseDouble(Float.toString(TEMPERATURE)));
        results.put("token_frames", frames);
        results.put("noise", "SplitMix64(" + seed + "), Gumbel, [L, C] per frame, shared by both engines");
        PackageInfo info = new PackageInfo(ARTIFACT, request.models(), PackageInfo.Kind.END_TO_END,
                chains.contains(Precision.FP16) ? PackageInfo.FP16 : PackageInfo.FP32, new TreeMap<>(), new TreeMap<>(),
                reference.checkpointSha256(), files);
        List<Coverage> coverage = chains.stream().map(p -> Coverage.covered("end to end, "
                + p.name().toLowerCase(java.util.Locale.ROOT) + " chain", "checkpoint " + checkpoint.getFileName()))
                .toList();
        return List.of(new ArtifactReport(info, reference, results, List.of(), gates, coverage, null, null));
    }

    static boolean complete(Path models, Precision p) {
        return Files.isDirectory(models.resolve(p.temporalPackage())) && Files.isDirectory(models.resolve(p.rolloutPackage()))
                && Files.isDirectory(models.resolve(p.decoderPackage()))
                && Files.isRegularFile(models.resolve(SosInputExporter.BIN))
                && Files.isRegularFile(models.resolve(CodebookExporter.BIN));
    }

    /** One row: the fixture style tokens with the usual guidance, encoded by the checkpoint's own encoder. */
    static float[][] conditioning(Path checkpoint) {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            ConditioningTokens tokens = ConditioningTokens.of(STYLE, NoteRoll.masked(), -1,
                    CfgGuidance.ofScales(CfgGuidance.DEFAULT_STYLE, CfgGuidance.DEFAULT_NOTES,
                            CfgGuidance.DEFAULT_DRUMS));
            return new float[][] {ConditioningEncoder.load(file).encode(tokens, 1f)};
        }
    }

    /** The render request both engines run: one conditioning row, seeded noise, windows of the decoder's shape. */
    private static Renderer.Request request(float[][] conditioning, int frames, long seed, int hop) {
        return new Renderer.Request(conditioning, frames, seed, TEMPERATURE, hop, InverseStft.Window.NORMALIZED);
    }

    /** One chain against the reference's recorded frames. */
    private record Chain(Path models, Path checkpoint, Precision precision, Plan plan, Recording recording) {
        Map<String, Object> compare(Map<Integer, Renderer.Result> references) {
            // Frames first, then audio, as on the reference side: the generator's weights and the decoder's never
            // share the heap (with the JVM's convolutions, -Xmx1000m holds the run only this way).
            Recording generated = plan.generated.get(precision);
            if (generated == null) {
                try (TokenGenerator g = PackageGenerator.open(models, precision)) {
                    generated = Recording.of(g, plan.conditioning, plan.frames, plan.seed);
                }
            }
            Renderer.Result pkg;
            int decoderFrames;
            try (AudioDecoder d = PackageAudioDecoder.open(models, precision)) {
                decoderFrames = d.frames();
                pkg = Renderer.run(generated.replay(), d, request(d.frames()), Progress.NONE, null);
            }
            Renderer.Result refResult = references.computeIfAbsent(decoderFrames, this::reference);
            Recording ref = recording;
            Map<String, Object> m = new TreeMap<>();
            m.put("packages", List.of(precision.temporalPackage(), precision.rolloutPackage(),
                    precision.decoderPackage()));
            m.put("decoder_frames", decoderFrames);
            m.put("hop", pkg.plan().hop());
            int[][] a = pkg.codes();
            int[][] e = refResult.codes();
            int mismatchedFrames = 0;
            int mismatchedTokens = 0;
            int firstFrame = -1;
            int firstLevel = -1;
            for (int f = 0; f < e.length; f++) {
                boolean differs = false;
                for (int l = 0; l < e[f].length; l++) {
                    if (a[f][l] != e[f][l]) {
                        mismatchedTokens++;
                        if (!differs && firstFrame < 0) {
                            firstFrame = f;
                            firstLevel = l;
                        }
                        differs = true;
                    }
                }
                mismatchedFrames += differs ? 1 : 0;
            }
            m.put("frames_with_token_mismatch", mismatchedFrames);
            m.put("token_mismatches", mismatchedTokens);
            m.put("total_tokens", e.length * e[0].length);
            m.put("first_divergent_frame", firstFrame < 0 ? null : firstFrame);
            m.put("first_divergent_level", firstLevel < 0 ? null : firstLevel);
            m.put("first_flip", firstFrame < 0 ? null : firstFlip(ref, a, e, firstFrame, firstLevel));
            m.put("pcm_finite_ratio", finiteRatio(pkg.pcm()));
            m.put("pcm_snr_db", json(snrDb(pkg.pcm(), refResult.pcm(), pkg.pcm()[0].length)));
            // audio of token k needs tokens <= k + 1: samples before token (first - 1) depend on equal tokens only
            int clean = firstFrame < 0 ? pkg.pcm()[0].length : Math.max(0, firstFrame - 1)
                    * Mrt2Constants.CODEC_TIME_STRIDE * InverseStft.HOP;
            m.put("pcm_samples_before_divergence", clean);
            m.put("pcm_snr_db_before_divergence", clean == 0 ? null : json(snrDb(pkg.pcm(), refResult.pcm(), clean)));
            return m;
        }

        /**
         * The reference engine's audio with windows of {@code decoderFrames} tokens: the recorded frames replayed into
         * the reference decoder, so the reference's temporal and depth weights and its decoder never share the heap.
         * The replay computes exactly what one pass would.
         */
        private Renderer.Result reference(int decoderFrames) {
            try (AudioDecoder d = ReferenceAudioDecoder.open(checkpoint, decoderFrames)) {
                return Renderer.run(recording.replay(), d, request(decoderFrames), Progress.NONE, null);
            }
        }

        private Renderer.Request request(int decoderFrames) {
            return EndToEndCheck.request(plan.conditioning, plan.frames, plan.seed, WindowPlan.exactHop(decoderFrames));
        }

        /** The reference's margin against the package's code at the first differing token (RolloutCheck's rule). */
        private Map<String, Object> firstFlip(Recording ref, int[][] actual, int[][] expected, int frame, int level) {
            try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
                Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
                DepthReference depth = DepthReference.load(file, dims, false);
                TokenEmbedding embedding = TokenEmbedding.load(file, dims);
                DepthReference.Session session = depth.session(dims.rvqLevels());
                float[] position = ref.outputs.get(frame);
                int c = dims.codebookSize();
                float[] z = null;
                for (int l = 0; l <= level; l++) {
                    z = session.next(position, embedding.uniqueId(l, 0), c);
                    position = embedding.scaledRow(embedding.uniqueId(l, expected[frame][l]));
                }
                float[] noise = java.util.Arrays.copyOfRange(ref.noise.get(frame), level * c, (level + 1) * c);
                int k = Math.min(Mrt2Constants.TOP_K, c);
                float[] scores = RolloutReference.scores(z, noise, Sampler.inverseTemperature(TEMPERATURE), k);
                float threshold = Sampler.topKThreshold(z, 0, c, k);
                int want = expected[frame][level];
                int got = actual[frame][level];
                boolean masked = z[got] < threshold;
                double gap = masked ? (double) threshold - z[got] : (double) scores[want] - scores[got];
                Map<String, Object> flip = new TreeMap<>();
                flip.put("frame", frame);
                flip.put("level", level);
                flip.put("reference_code", want);
                flip.put("package_code", got);
                flip.put("kind", masked ? RolloutCheck.TOP_K_BOUNDARY : RolloutCheck.SCORE);
                flip.put("score_gap", gap);
                flip.put("near_tie", gap <= RolloutCheck.NEAR_TIE_GAP);
                flip.put("near_tie_gap", RolloutCheck.NEAR_TIE_GAP);
                return flip;
            }
        }
    }

    /** A decoder with the window shape and no weights: silence, for a pass that only wants the frames. */
    private record ShapeOnlyDecoder(int frames, int levels, int codebookSize) implements AudioDecoder {
        @Override
        public float[] embed(int[] codes) {
            return new float[1];
        }

        @Override
        public float[] decode(float[][] embeddings) {
            return new float[(4 * frames - 4) * InverseStft.FRAME_VALUES];
        }

        @Override
        public String describe() {
            return "no decoder (frames only)";
        }

        @Override
        public void close() {
        }
    }

    /** A generator's shape and name, for the recording and its replays. */
    private abstract static class Shaped implements TokenGenerator {
        private final int modelDim;
        private final int sourceDim;
        private final int levels;
        private final int codebookSize;
        final String description;

        Shaped(int modelDim, int sourceDim, int levels, int codebookSize, String description) {
            this.modelDim = modelDim;
            this.sourceDim = sourceDim;
            this.levels = levels;
            this.codebookSize = codebookSize;
            this.description = description;
        }

        Shaped(TokenGenerator shape) {
            this(shape.modelDim(), shape.sourceDim(), shape.levels(), shape.codebookSize(), shape.describe());
        }

        @Override
        public int modelDim() {
            return modelDim;
        }

        @Override
        public int sourceDim() {
            return sourceDim;
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
        public void close() {
            // a recording holds no resources; the recorded generator belongs to whoever opened it
        }
    }

    /**
     * The reference generator, keeping each frame's temporal output and noise for the flip classification. The
     * recording pass goes through the generator; after {@link #detach()} the generator is no longer referenced (its
     * 900 MB of weights can be collected) and {@link #replay()} hands the recorded frames out again, in order.
     */
    private static final class Recording extends Shaped {
        private TokenGenerator inner;
        final List<float[]> outputs = new ArrayList<>();
        final List<float[]> noise = new ArrayList<>();
        final List<RolloutFrame> frames = new ArrayList<>();
        float[] start;

        /**
         * The frames {@code generator} renders for this request, recorded and detached from it. The frames do not
         * depend on the decoder, so the smallest window shape carries the loop along.
         */
        static Recording of(TokenGenerator generator, float[][] conditioning, int frames, long seed) {
            Recording r = new Recording(generator);
            // in turns: the shape-only decoder does nothing, so the loop takes every core, with the panels the
            // package's own checks laid out (beside a decoder it would run alone and lay out a second set)
            Renderer.run(r, new ShapeOnlyDecoder(2, generator.levels(), generator.codebookSize()),
                    request(conditioning, frames, seed, 1), Progress.NONE, null, false);
            r.detach();
            return r;
        }

        /** Records what {@code inner} generates. */
        private Recording(TokenGenerator inner) {
            super(inner);
            this.inner = inner;
        }

        /** Filled frame by frame from outside (the lockstep generation); replayable once complete. */
        Recording(int modelDim, int sourceDim, int levels, int codebookSize, String description) {
            super(modelDim, sourceDim, levels, codebookSize, description);
        }

        /** Ends the recording pass. */
        void detach() {
            inner = null;
        }

        /** A generator giving the recorded frames from the first, as the recorded generator gave them. */
        TokenGenerator replay() {
            if (inner != null) {
                throw new IllegalStateException("still recording");
            }
            return new Shaped(this) {
                private int steps;
                private int rollouts;

                @Override
                public float[] startInput() {
                    return start;
                }

                @Override
                public float[] temporalStep(float[] input, float[] source) {
                    return outputs.get(steps++);
                }

                @Override
                public RolloutFrame rollout(float[] temporalOutput, float[] g, float inverseTemperature) {
                    return frames.get(rollouts++);
                }

                @Override
                public String describe() {
                    return "replay of " + Recording.this.description;
                }
            };
        }

        @Override
        public float[] startInput() {
            start = inner.startInput();
            return start;
        }

        @Override
        public float[] temporalStep(float[] input, float[] source) {
            float[] h = inner.temporalStep(input, source);
            outputs.add(h);
            return h;
        }

        @Override
        public RolloutFrame rollout(float[] temporalOutput, float[] g, float inverseTemperature) {
            noise.add(g);
            RolloutFrame f = inner.rollout(temporalOutput, g, inverseTemperature);
            frames.add(f);
            return f;
        }

        @Override
        public String describe() {
            return description;
        }
    }

    static double finiteRatio(float[][] pcm) {
        long finite = 0;
        long n = 0;
        for (float[] c : pcm) {
            for (float v : c) {
                n++;
                finite += Float.isFinite(v) ? 1 : 0;
            }
        }
        return (double) finite / n;
    }

    /** {@code 10 log10(sum e^2 / sum (a - e)^2)} over the first {@code samples} of each channel. */
    static double snrDb(float[][] a, float[][] e, int samples) {
        double signal = 0;
        double noise = 0;
        for (int ch = 0; ch < e.length; ch++) {
            for (int i = 0; i < samples; i++) {
                double d = (double) a[ch][i] - e[ch][i];
                signal += (double) e[ch][i] * e[ch][i];
                noise += d * d;
            }
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }

    /** JSON has no infinity: identical audio reports 999 dB. */
    private static double json(double db) {
        return Double.isInfinite(db) ? 999 : db;
    }
}
