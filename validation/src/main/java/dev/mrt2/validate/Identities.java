package dev.mrt2.validate;

import dev.mrt2.validate.reference.TokenEmbedding;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The identities of mrt2-model.md §3.1 that tie an unrolled fixture to the checkpoint it came from. A mismatch means
 * the fixtures and the checkpoint do not belong together: a {@link ProvenanceException} naming both, in one line.
 */
final class Identities {
    /**
     * Largest difference allowed between a fixture row and the same row recomputed here: both are float32 sums of
     * at most 12 rows of O(1) values, so only summation order can differ (about 1e-6); another checkpoint's rows
     * differ by O(1).
     */
    static final double TOLERANCE = 1e-4;

    private Identities() {}

    static void check(ReferenceSet.Unrolled u, TokenEmbedding embedding, Path fixture, String checkpoint) {
        String file = fixture.toString();
        int d = u.temporalInputs()[0].length;
        if (d != embedding.dim()) {
            throw mismatch(file, checkpoint, "temporal_inputs rows have " + d + " values, the checkpoint's "
                    + "embedding " + embedding.dim());
        }
        int vocab = 6 + embedding.levels() * embedding.codebookSize();
        for (int[] frame : u.tokens()) {
            for (int id : frame) {
                if (id < 0 || id >= vocab) {
                    throw mismatch(file, checkpoint, "token id " + id + " is outside this checkpoint's vocabulary 0.."
                            + (vocab - 1));
                }
            }
        }
        differ(file, checkpoint, "temporal_inputs[0, 0] vs 32 Emb[0]", u.temporalInputs()[0], embedding.sos());
        if (u.frames() > 1) {
            differ(file, checkpoint, "temporal_inputs[0, 1] vs the mean of 32 Emb[tokens[0]]", u.temporalInputs()[1],
                    embedding.temporalInput(u.tokens()[0]));
        }
        for (int f = 0; f < u.frames(); f++) {
            for (int k = 0; k < u.prefix()[f].length; k++) {
                differ(file, checkpoint, "prefix_embeddings[" + f + ", " + k + "] vs 32 Emb[tokens[" + f + ", " + k
                        + "]]", u.prefix()[f][k], embedding.scaledRow(u.tokens()[f][k]));
            }
        }
    }

    private static void differ(String file, String checkpoint, String what, float[] fixture, float[] computed) {
        double max = 0;
        for (int i = 0; i < fixture.length; i++) {
            double diff = Math.abs((double) fixture[i] - computed[i]);
            max = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : Math.max(max, diff);
        }
        if (max > TOLERANCE) {
            throw mismatch(file, checkpoint, what + " differ by up to " + String.format(Locale.ROOT, "%.6g", max)
                    + " (allowed " + TOLERANCE + ")");
        }
    }

    private static ProvenanceException mismatch(String file, String checkpoint, String detail) {
        return new ProvenanceException(file + ": made from another checkpoint than " + checkpoint
                + " (mrt2-model.md §3.1: " + detail + ")");
    }
}
