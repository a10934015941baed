package dev.mrt2.validate;

import dev.mrt2.tensor.NdArray;
import java.util.List;

/**
 * The reference cases one validation run compares against, offered by a checkpoint ({@link CheckpointReference}),
 * a fixtures folder ({@link FixtureFolder}: ours or the port's published set) or both merged ({@link #orElse}).
 * A case is null (or its list empty) when the source does not offer it; the packages it would cover are then
 * reported as not covered.
 *
 * @param checkpointName   the checkpoint the cases came from, or null when unknown (the published set names none)
 * @param checkpointSha256 its SHA-256, or null when unknown
 * @param seed             the seed of the generated inputs, or null when unknown
 * @param stream           streaming temporal steps from fresh state
 * @param unrolled         the 2-frame teacher-forced temporal + depth-logits case
 * @param generated        generated tokens (inputs only: their sampling noise is not part of any case)
 * @param arms             sampling arms for token comparisons of the depth-logits package
 * @param rollouts         depth rollout arms
 * @param decoder          one decoder chunk
 * @param codebooks        the identity of the codebook table
 */
public record ReferenceSet(String checkpointName, String checkpointSha256, Long seed, TemporalStream stream,
                           Unrolled unrolled, GeneratedTokens generated, List<TokenArm> arms,
                           List<RolloutReference.Arm> rollouts, DecoderCase decoder, CodebookCase codebooks) {

    public ReferenceSet {
        arms = arms == null ? List.of() : List.copyOf(arms);
        rollouts = rollouts == null ? List.of() : List.copyOf(rollouts);
    }

    /** Each case of this set, or {@code other}'s where this one has none; identity fields likewise. */
    public ReferenceSet orElse(ReferenceSet other) {
        if (other == null) {
            return this;
        }
        return new ReferenceSet(checkpointName != null ? checkpointName : other.checkpointName,
                checkpointSha256 != null ? checkpointSha256 : other.checkpointSha256,
                seed != null ? seed : other.seed,
                stream != null ? stream : other.stream,
                unrolled != null ? unrolled : other.unrolled,
                generated != null ? generated : other.generated,
                !arms.isEmpty() ? arms : other.arms,
                !rollouts.isEmpty() ? rollouts : other.rollouts,
                decoder != null ? decoder : other.decoder,
                codebooks != null ? codebooks : other.codebooks);
    }

    /** True when the set holds no case at all. */
    public boolean empty() {
        return stream == null && unrolled == null && generated == null && arms.isEmpty() && rollouts.isEmpty()
                && decoder == null && codebooks == null;
    }

    /**
     * {@code N} streaming steps of the temporal body from empty caches (mrt2-model.md §8.3,
     * {@code temporal_streaming_carry_64.npz}).
     *
     * @param inputs  {@code [N][D]} temporal inputs
     * @param sources {@code [N][S]} source_encoded rows
     * @param outputs {@code [N][D]} reference temporal outputs
     */
    public record TemporalStream(float[][] inputs, float[][] sources, float[][] outputs, Origin origin) {
        public int steps() {
            return inputs.length;
        }
    }

    /**
     * F teacher-forced frames (F = 2 in the published {@code reference_temporal_unrolled.npz}, §8.3).
     *
     * @param tokens          {@code [F][L]} unique ids of each frame
     * @param temporalInputs  {@code [F][D]}: SOS, then the mean scaled embedding of the previous frame's tokens
     * @param sources         {@code [F][S]}
     * @param temporalOutputs {@code [F][D]} reference temporal outputs
     * @param prefix          {@code [F][L-1][D]}: {@code 32 Emb[tokens[f][k]]}, depth positions 1..L-1
     * @param depthLogits     {@code [F][L][V]} soft-capped reference logits of rows {@code [temporal output; prefix]}
     */
    public record Unrolled(int[][] tokens, float[][] temporalInputs, float[][] sources, float[][] temporalOutputs,
                           float[][][] prefix, float[][][] depthLogits, Origin origin) {
        public int frames() {
            return tokens.length;
        }
    }

    /** Generated unique ids {@code [T][L]} ({@code generated_tokens_unique.npy}). */
    public record GeneratedTokens(int[][] ids, Origin origin) {}

    /**
     * One sampling arm: the reference generates {@code F} frames autoregressively (temporal, then depth with the
     * §3.7 sampler and this arm's noise and temperature); the package side is teacher-forced with the same inputs.
     *
     * @param name            e.g. {@code argmax}, {@code noise_t13}
     * @param temperature     T (0 = argmax)
     * @param gumbel          {@code [F][L][C]} noise
     * @param sources         {@code [F][S]}
     * @param temporalInputs  {@code [F][D]}: SOS, then the mean scaled embedding of the previous frame's tokens
     * @param temporalOutputs {@code [F][D]} reference temporal outputs
     * @param ids             {@code [F][L]} reference unique ids
     * @param prefix          {@code [F][L-1][D]}: depth positions 1..L-1, {@code sqrt(D) Emb[ids[f][k]]}
     */
    public record TokenArm(String name, float temperature, float[][][] gumbel, float[][] sources,
                           float[][] temporalInputs, float[][] temporalOutputs, int[][] ids, float[][][] prefix,
                           Origin origin) {
        public int frames() {
            return ids.length;
        }

        public int levels() {
            return ids[0].length;
        }

        public int codebookSize() {
            return gumbel[0][0].length;
        }
    }

    /**
     * The decoder on one chunk of T token frames.
     *
     * @param codes      {@code [T][L]} raw codes
     * @param embeddings {@code [T][E]} host codebook sums
     * @param stft       {@code [1, 4T - 4, 480, 4]} reference output
     */
    public record DecoderCase(int[][] codes, float[][] embeddings, NdArray stft, Origin origin) {
        public int frames() {
            return codes.length;
        }
    }

    /**
     * What the codebook table (mrt2-model.md §5) must be: the first L levels of the quantizer, little-endian float32.
     *
     * @param shape     {@code [L, C, E]}
     * @param byteCount {@code 4 L C E}
     * @param sha256    of those bytes
     */
    public record CodebookCase(List<Long> shape, long byteCount, String sha256, Origin origin) {
        public CodebookCase {
            shape = List.copyOf(shape);
        }

        public CodebookCase withOrigin(Origin o) {
            return new CodebookCase(shape, byteCount, sha256, o);
        }
    }
}
