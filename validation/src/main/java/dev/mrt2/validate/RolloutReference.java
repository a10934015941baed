package dev.mrt2.validate;

import dev.mrt2.host.noise.SplitMix64;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.validate.reference.FrameLoop;
import dev.mrt2.validate.reference.Sampler;
import dev.mrt2.validate.reference.TokenEmbedding;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference side of the in-graph rollout check (mrt2-model.md §3.8, §8.2 "depth rollout"): per arm, F frames
 * generated autoregressively by the reference depth body with the rollout's sampling rule ({@link Sampler#sampleCode});
 * frame 0's input is a seeded N(0, 1) row, frame k + 1's input is the reference feedback of frame k. Besides the codes
 * and feedback it keeps every level's perturbed scores, so a package's flip can be judged by the reference's gap.
 */
final class RolloutReference {
    /** Arm names of the seed's rollout receipts (§8.4). */
    record ArmSpec(String name, float temperature, long noiseSalt, boolean noise) {}

    static final List<ArmSpec> ARMS = List.of(
            new ArmSpec("argmax_frames", 1.0f, 0, false),
            new ArmSpec("noise_frames_t10", 1.0f, 5000, true),
            new ArmSpec("noise_frames_t13", 1.3f, 9000, true));
    /** Added to the run's seed for frame 0's input row (the seed used torch randn seeded 2026). */
    static final long FIRST_INPUT_SALT = 2026;

    /**
     * @param inputs   {@code [F][D]} temporal_frame of each frame
     * @param gumbel   {@code [F][L][C]} noise (all zero for the argmax arm)
     * @param codes    {@code [F][L]} reference codes
     * @param feedback {@code [F][D]} reference feedback
     * @param logits   {@code [F][L][C]} reference soft-capped logits of each level's codes
     * @param scores   {@code [F][L][C]} reference masked perturbed scores ({@code logits * invT + g} or -1e4)
     */
    record Arm(ArmSpec spec, float[][] inputs, float[][][] gumbel, int[][] codes, float[][] feedback,
               float[][][] logits, float[][][] scores, Origin origin) {
        float inverseTemperature() {
            return Sampler.inverseTemperature(spec.temperature());
        }

        /** The arm with its scores recomputed from logits and noise, as the reference made them. */
        static Arm of(ArmSpec spec, float[][] inputs, float[][][] gumbel, int[][] codes, float[][] feedback,
                      float[][][] logits, Origin origin) {
            float invT = Sampler.inverseTemperature(spec.temperature());
            int k = Math.min(Mrt2Constants.TOP_K, gumbel[0][0].length);
            float[][][] scores = new float[logits.length][][];
            for (int f = 0; f < logits.length; f++) {
                scores[f] = new float[logits[f].length][];
                for (int l = 0; l < logits[f].length; l++) {
                    scores[f][l] = RolloutReference.scores(logits[f][l], gumbel[f][l], invT, k);
                }
            }
            return new Arm(spec, inputs, gumbel, codes, feedback, logits, scores, origin);
        }
    }

    /** The seed's arm order (argmax, T = 1.0, T = 1.3), then any other arm by name. */
    static final java.util.Comparator<Arm> ARM_ORDER = java.util.Comparator
            .comparingInt((Arm a) -> rank(a.spec().name())).thenComparing(a -> a.spec().name());

    private static int rank(String name) {
        for (int i = 0; i < ARMS.size(); i++) {
            if (ARMS.get(i).name().equals(name)) {
                return i;
            }
        }
        return ARMS.size();
    }

    /** A stored arm's spec: the standard one of that name, else one read from its temperature and noise. */
    static ArmSpec spec(String name, float temperature, float[] noise) {
        for (ArmSpec s : ARMS) {
            if (s.name().equals(name) && s.temperature() == temperature) {
                return s;
            }
        }
        boolean anyNoise = false;
        for (float g : noise) {
            anyNoise |= g != 0;
        }
        return new ArmSpec(name, temperature, 0, anyNoise);
    }

    private RolloutReference() {}

    /**
     * One generation per standard arm, to run in the reference's lockstep with the sampling arms
     * ({@link CheckpointReference}): frame 0's input is SplitMix64(seed + {@link #FIRST_INPUT_SALT}) N(0, 1) rows,
     * each later frame's input the reference feedback of the one before.
     */
    static List<Generation> generations(Mrt2Dims dims, InputFactory inputs, ValidationOptions options) {
        List<Generation> out = new ArrayList<>();
        for (ArmSpec spec : ARMS) {
            float[][][] gumbel = spec.noise() ? inputs.gumbel(options.frames(), spec.noiseSalt())
                    : new float[options.frames()][dims.rvqLevels()][dims.codebookSize()];
            SplitMix64 rng = new SplitMix64(options.seed() + FIRST_INPUT_SALT);
            float[] first = new float[dims.temporalDim()];
            for (int i = 0; i < first.length; i++) {
                first[i] = (float) rng.nextGaussian();
            }
            out.add(new Generation(spec, gumbel, first, dims.rvqLevels()));
        }
        return out;
    }

    /** What {@link #generations} names in the reference's progress line. */
    static String describe(List<Generation> generations) {
        return generations.get(0).frames() + " frames of depth rollout, arms "
                + String.join(", ", generations.stream().map(g -> g.spec.name()).toList());
    }

    /** The arms the generations made, once the lockstep has run; {@code source} e.g. {@code checkpoint tiny.safetensors}. */
    static List<Arm> arms(List<Generation> generations, InputFactory inputs, ValidationOptions options, String source) {
        List<Arm> arms = new ArrayList<>();
        for (Generation g : generations) {
            ArmSpec spec = g.spec;
            String noise = spec.noise() ? inputs.gumbelProvenance(spec.noiseSalt()) : "zero noise";
            arms.add(new Arm(spec, g.inputs, g.gumbel, g.codes, g.feedback, g.logits, g.scores,
                    new Origin(FixtureFiles.rolloutArm(spec.name()), source, "frame 0 input SplitMix64("
                    + (options.seed() + FIRST_INPUT_SALT) + ") Box-Muller N(0, 1); frame k+1 input = reference "
                    + "feedback of frame k; noise " + noise)));
        }
        return arms;
    }

    /**
     * One arm of the rollout's reference as a depth-only lockstep generation: per frame the depth body autoregresses
     * over the levels from the frame's input with the rollout's rule ({@link FrameLoop#rolloutRule}), and every level's
     * logits and perturbed scores are kept.
     */
    static final class Generation implements LockstepGeneration {
        final ArmSpec spec;
        final float[][][] gumbel;
        final float[][] inputs;
        final int[][] codes;
        final float[][] feedback;
        final float[][][] logits;
        final float[][][] scores;
        private final float invT;
        private float[] next;

        Generation(ArmSpec spec, float[][][] gumbel, float[] first, int levels) {
            int frames = gumbel.length;
            this.spec = spec;
            this.gumbel = gumbel;
            this.invT = Sampler.inverseTemperature(spec.temperature());
            this.next = first;
            this.inputs = new float[frames][];
            this.codes = new int[frames][];
            this.feedback = new float[frames][];
            this.logits = new float[frames][levels][];
            this.scores = new float[frames][levels][];
        }

        @Override
        public int frames() {
            return gumbel.length;
        }

        @Override
        public boolean temporal() {
            return false;
        }

        @Override
        public float[] start(TokenEmbedding embedding) {
            return next;
        }

        @Override
        public float[] source(int frame) {
            throw new IllegalStateException("a depth-only generation has no source rows");
        }

        @Override
        public FrameLoop.Rule rule(FrameLoop loop, int frame) {
            FrameLoop.Rule pick = loop.rolloutRule(gumbel[frame], invT);
            int k = Math.min(Mrt2Constants.TOP_K, gumbel[frame][0].length);
            return (slice, level) -> {
                logits[frame][level] = slice;
                scores[frame][level] = RolloutReference.scores(slice, gumbel[frame][level], invT, k);
                return pick.pick(slice, level);
            };
        }

        @Override
        public float[] accept(int frame, float[] depthInput, FrameLoop.Frame sampled) {
            inputs[frame] = depthInput;
            codes[frame] = sampled.codes();
            feedback[frame] = sampled.feedback();
            next = sampled.feedback();
            return next;
        }
    }

    /** §3.8 step 4 as the reference computes it: the scores the argmax runs over. */
    static float[] scores(float[] logits, float[] noise, float invT, int k) {
        float threshold = Sampler.topKThreshold(logits, 0, logits.length, k);
        float[] s = new float[logits.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = logits[i] >= threshold ? logits[i] * invT + noise[i] : Mrt2Constants.FP16_MASK;
        }
        return s;
    }
}
