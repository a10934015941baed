package dev.mrt2.validate.reference;

/**
 * One frame of generation on the reference (mrt2-model.md §3.6–3.8, §10): the depth body autoregresses over the L
 * levels, position 0 = the temporal output, position k >= 1 = {@code sqrt(D) Emb[id of level k-1]}; the frame's ids
 * then give the next temporal input (§3.1).
 */
public final class FrameLoop {
    /**
     * @param codes    codebook-local codes per level {@code [L]} (0..C-1)
     * @param ids      unique ids per level {@code [L]}
     * @param feedback the next frame's temporal input {@code [D]}: mean over levels of {@code sqrt(D) Emb[id]}
     */
    public record Frame(int[] codes, int[] ids, float[] feedback) {}

    private final DepthReference depth;
    private final TokenEmbedding embedding;
    private final Sampler sampler;

    public FrameLoop(DepthReference depth, TokenEmbedding embedding, Sampler sampler) {
        this.depth = depth;
        this.embedding = embedding;
        this.sampler = sampler;
    }

    public TokenEmbedding embedding() {
        return embedding;
    }

    /**
     * The rollout package's contract (§3.8): per level, the level's C soft-capped logits, {@code logits * invT + g},
     * top-k on the raw logits.
     *
     * @param gumbel {@code [L][C]} noise
     */
    public Frame rollout(float[] temporalOutput, float[][] gumbel, float inverseTemperature) {
        return run(temporalOutput, (slice, level) ->
                embedding.uniqueId(level, 0) + sampler.sampleCode(slice, gumbel[level], inverseTemperature));
    }

    /** The reference sampler (§3.7) at temperature T, with {@code [L][C]} noise (ignored at T = 0). */
    public Frame sample(float[] temporalOutput, float[][] gumbel, float temperature) {
        return run(temporalOutput, (slice, level) -> sampler.sampleLevel(slice, level, gumbel[level], temperature));
    }

    /** Teacher forcing: runs the depth body on given ids and returns each level's soft-capped logits {@code [L][V]}. */
    public float[][] teacherForcedLogits(float[] temporalOutput, int[] ids) {
        float[][] positions = new float[ids.length][];
        positions[0] = temporalOutput;
        for (int k = 1; k < ids.length; k++) {
            positions[k] = embedding.scaledRow(ids[k - 1]);
        }
        return depth.logits(positions);
    }

    /** Picks a level's unique id from that level's C soft-capped logits. */
    private interface Rule {
        int pick(float[] levelLogits, int level);
    }

    private Frame run(float[] temporalOutput, Rule rule) {
        int levels = embedding.levels();
        int[] ids = new int[levels];
        int[] codes = new int[levels];
        DepthReference.Session session = depth.session(levels);
        float[] position = temporalOutput;
        for (int level = 0; level < levels; level++) {
            int from = embedding.uniqueId(level, 0);
            ids[level] = rule.pick(session.next(position, from, embedding.codebookSize()), level);
            codes[level] = embedding.code(ids[level]);
            position = embedding.scaledRow(ids[level]);
        }
        return new Frame(codes, ids, embedding.temporalInput(ids));
    }
}
