package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.validate.reference.DepthReference;
import dev.mrt2.validate.reference.Sampler;
import dev.mrt2.host.noise.SplitMix64;
import dev.mrt2.validate.reference.TokenEmbedding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

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

        /** The arm with its scores recomputed from logits and noise, as {@link #compute} made them. */
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

    /** @param source the origin's source, e.g. {@code checkpoint tiny.safetensors} */
    static List<Arm> compute(SafetensorsFile checkpoint, Mrt2Dims dims, InputFactory inputs, ValidationOptions options,
                             String source, Consumer<String> log) {
        DepthReference depth = DepthReference.load(checkpoint, dims, options.float64Reference());
        TokenEmbedding embedding = TokenEmbedding.load(checkpoint, dims);
        Sampler sampler = Sampler.standard(dims.codebookSize());
        int k = Math.min(Mrt2Constants.TOP_K, dims.codebookSize());
        int frames = options.frames();
        int levels = dims.rvqLevels();
        int c = dims.codebookSize();
        int n = ARMS.size();
        log.accept("reference: depth rollout, " + frames + " frames, arms "
                + String.join(", ", ARMS.stream().map(ArmSpec::name).toList()));
        // the arms advance in lockstep, each level's depth pass run for all of them at once (the same sums as alone)
        float[][][][] gumbel = new float[n][][][];
        float[] invT = new float[n];
        float[][][] frameInputs = new float[n][frames][];
        int[][][] codes = new int[n][frames][levels];
        float[][][] feedback = new float[n][frames][];
        float[][][][] levelLogits = new float[n][frames][levels][];
        float[][][][] scores = new float[n][frames][levels][];
        float[][] input = new float[n][];
        for (int a = 0; a < n; a++) {
            ArmSpec spec = ARMS.get(a);
            gumbel[a] = spec.noise() ? inputs.gumbel(frames, spec.noiseSalt()) : new float[frames][levels][c];
            invT[a] = Sampler.inverseTemperature(spec.temperature());
            SplitMix64 rng = new SplitMix64(options.seed() + FIRST_INPUT_SALT);
            input[a] = new float[dims.temporalDim()];
            for (int i = 0; i < input[a].length; i++) {
                input[a][i] = (float) rng.nextGaussian();
            }
        }
        for (int f = 0; f < frames; f++) {
            DepthReference.Session[] sessions = new DepthReference.Session[n];
            int[][] ids = new int[n][levels];
            float[][] position = new float[n][];
            for (int a = 0; a < n; a++) {
                frameInputs[a][f] = input[a];
                sessions[a] = depth.session(levels);
                position[a] = input[a];
            }
            for (int level = 0; level < levels; level++) {
                int from = embedding.uniqueId(level, 0);
                float[][] logits = depth.nextEach(sessions, position, from, c);
                for (int a = 0; a < n; a++) {
                    codes[a][f][level] = sampler.sampleCode(logits[a], gumbel[a][f][level], invT[a]);
                    levelLogits[a][f][level] = logits[a];
                    scores[a][f][level] = scores(logits[a], gumbel[a][f][level], invT[a], k);
                    ids[a][level] = embedding.uniqueId(level, codes[a][f][level]);
                    position[a] = embedding.scaledRow(ids[a][level]);
                }
            }
            for (int a = 0; a < n; a++) {
                feedback[a][f] = embedding.temporalInput(ids[a]);
                input[a] = feedback[a][f];
            }
        }
        List<Arm> arms = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            ArmSpec spec = ARMS.get(a);
            String noise = spec.noise() ? inputs.gumbelProvenance(spec.noiseSalt()) : "zero noise";
            arms.add(new Arm(spec, frameInputs[a], gumbel[a], codes[a], feedback[a], levelLogits[a], scores[a],
                    new Origin(FixtureFiles.rolloutArm(spec.name()), source, "frame 0 input SplitMix64("
                    + (options.seed() + FIRST_INPUT_SALT) + ") Box-Muller N(0, 1); frame k+1 input = reference "
                    + "feedback of frame k; noise " + noise)));
        }
        return arms;
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
