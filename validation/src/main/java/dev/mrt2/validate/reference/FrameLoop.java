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
        return each(new float[][] {temporalOutput}, new Rule[] {rolloutRule(gumbel, inverseTemperature)})[0];
    }

    /** The rollout package's noise input {@code [L·C]} as {@link #rollout} takes it, {@code [L][C]}. */
    public float[][] perLevel(float[] noise) {
        int c = embedding.codebookSize();
        float[][] gumbel = new float[embedding.levels()][];
        if (noise.length != gumbel.length * c) {
            throw new IllegalArgumentException("noise has " + noise.length + " values, expected " + gumbel.length * c);
        }
        for (int l = 0; l < gumbel.length; l++) {
            gumbel[l] = java.util.Arrays.copyOfRange(noise, l * c, (l + 1) * c);
        }
        return gumbel;
    }

    /** {@link #rollout}'s choice of a level's id, for {@link #each}. */
    public Rule rolloutRule(float[][] gumbel, float inverseTemperature) {
        return (slice, level) ->
                embedding.uniqueId(level, 0) + sampler.sampleCode(slice, gumbel[level], inverseTemperature);
    }

    /** {@link #sample}'s choice of a level's id, for {@link #each}. */
    public Rule sampleRule(float[][] gumbel, float temperature) {
        return (slice, level) -> sampler.sampleLevel(slice, level, gumbel[level], temperature);
    }

    /** The reference sampler (§3.7) at temperature T, with {@code [L][C]} noise (ignored at T = 0). */
    public Frame sample(float[] temporalOutput, float[][] gumbel, float temperature) {
        return sampleEach(new float[][] {temporalOutput}, new float[][][] {gumbel}, new float[] {temperature})[0];
    }

    /**
     * {@link #sample} of several independent generations at once, each frame what its own call gives: the depth body
     * runs their positions of a level together, so every depth weight is read once a level for all of them.
     *
     * @param gumbel       per generation {@code [L][C]} noise
     * @param temperatures per generation
     */
    public Frame[] sampleEach(float[][] temporalOutputs, float[][][] gumbel, float[] temperatures) {
        Rule[] rules = new Rule[temporalOutputs.length];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = sampleRule(gumbel[i], temperatures[i]);
        }
        return each(temporalOutputs, rules);
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
    public interface Rule {
        int pick(float[] levelLogits, int level);
    }

    /**
     * A frame of several independent generations, generation i picking with {@code rules[i]}; every level runs the
     * depth body on all of them together, and each gets the frame its own call would give.
     */
    public Frame[] each(float[][] temporalOutputs, Rule[] rules) {
        int n = rules.length;
        int levels = embedding.levels();
        int[][] ids = new int[n][levels];
        int[][] codes = new int[n][levels];
        DepthReference.Session[] sessions = new DepthReference.Session[n];
        for (int i = 0; i < n; i++) {
            sessions[i] = depth.session(levels);
        }
        float[][] positions = temporalOutputs.clone();
        for (int level = 0; level < levels; level++) {
            int from = embedding.uniqueId(level, 0);
            float[][] slices = depth.nextEach(sessions, positions, from, embedding.codebookSize());
            for (int i = 0; i < n; i++) {
                ids[i][level] = rules[i].pick(slices[i], level);
                codes[i][level] = embedding.code(ids[i][level]);
                positions[i] = embedding.scaledRow(ids[i][level]);
            }
        }
        Frame[] frames = new Frame[n];
        for (int i = 0; i < n; i++) {
            frames[i] = new Frame(codes[i], ids[i], embedding.temporalInput(ids[i]));
        }
        return frames;
    }
}
