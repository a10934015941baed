package dev.mrt2.validate;

import dev.mrt2.tensor.NdArray;
import java.util.List;

/**
 * Everything the packages are compared against, computed from the checkpoint by {@link ReferenceComputer} or read
 * back from {@code mrt2 fixtures generate}'s files by {@link ReferenceFixtures}. Sections are null when not computed.
 *
 * @param checkpointName   the checkpoint's file name
 * @param checkpointSha256 its SHA-256
 * @param seed             the run's seed
 * @param temporal         the streaming temporal comparison
 * @param arms             the sampling arms for token comparisons
 * @param decoder          the decoder comparison
 */
public record ReferenceSet(String checkpointName, String checkpointSha256, long seed, TemporalStream temporal,
                           List<TokenArm> arms, DecoderCase decoder) {

    public ReferenceSet {
        arms = arms == null ? List.of() : List.copyOf(arms);
    }

    /**
     * {@code steps} streaming steps of the temporal reference from empty caches.
     *
     * @param inputs     {@code [steps][D]} temporal inputs
     * @param sources    {@code [steps][S]} source_encoded rows
     * @param outputs    {@code [steps][D]} reference temporal outputs
     * @param provenance where the inputs came from
     */
    public record TemporalStream(float[][] inputs, float[][] sources, float[][] outputs, String provenance) {}

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
     * @param provenance      where the noise and the conditioning came from
     */
    public record TokenArm(String name, float temperature, float[][][] gumbel, float[][] sources,
                           float[][] temporalInputs, float[][] temporalOutputs, int[][] ids, float[][][] prefix,
                           String provenance) {
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
     * @param provenance where the codes came from
     */
    public record DecoderCase(int[][] codes, float[][] embeddings, NdArray stft, String provenance) {
        public int frames() {
            return codes.length;
        }
    }
}
