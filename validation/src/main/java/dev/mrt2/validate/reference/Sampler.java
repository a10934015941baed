package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Constants;

/**
 * Token sampling on soft-capped depth logits (mrt2-model.md §3.7, §3.8), for one RVQ level at a time. Two rules,
 * which pick from the same distribution but round differently, so a validator compares like with like:
 * <ul>
 *   <li>{@link #sampleUnique}, the reference sampler of §3.7: full-vocabulary logits, level range mask, top-k
 *       threshold, {@code argmax(logits + T g)}, pure argmax at T = 0;</li>
 *   <li>{@link #sampleCode}, the in-graph rollout of §3.8: the level's C logits,
 *       {@code argmax(logits * invT + g)} over entries at or above the top-k threshold, others -1e4.</li>
 * </ul>
 * Ties in the top-k threshold are kept (entries {@code >= threshold}); argmax ties go to the lowest index.
 */
public final class Sampler {
    private final int codebookSize;
    private final int topK;

    public Sampler(int codebookSize, int topK) {
        if (topK < 1 || topK > codebookSize) {
            throw new IllegalArgumentException("top-k " + topK + " outside 1.." + codebookSize);
        }
        this.codebookSize = codebookSize;
        this.topK = topK;
    }

    /** The model's sampler: top-k 40, capped at C for tiny synthetic codebooks (C = 32 keeps every entry). */
    public static Sampler standard(int codebookSize) {
        return new Sampler(codebookSize, Math.min(Mrt2Constants.TOP_K, codebookSize));
    }

    /** §3.8 host contract: {@code 1 / max(0.05, T)}. */
    public static float inverseTemperature(float temperature) {
        return 1f / Math.max(0.05f, temperature);
    }

    /** Unique id of (level, code): {@code 6 + C level + code}. */
    public int uniqueId(int level, int code) {
        return Mrt2Constants.RESERVED_TOKENS + codebookSize * level + code;
    }

    /**
     * §3.7: samples level {@code level} from full-vocabulary soft-capped {@code logits [V]} and returns the unique id.
     *
     * @param noise       Gumbel noise for the level's C entries (index = code), or null for none
     * @param temperature T; at T = 0 the noise is ignored (argmax)
     */
    public int sampleUnique(float[] logits, int level, float[] noise, float temperature) {
        int from = uniqueId(level, 0);
        if (from + codebookSize > logits.length) {
            throw new IllegalArgumentException("level " + level + " needs ids up to " + (from + codebookSize - 1)
                    + " but the logits have " + logits.length);
        }
        // Step 1's range mask (-0.7 x float max elsewhere) leaves only this level's C entries in play, so the
        // threshold and the argmax run over that slice.
        return sampleLevel(java.util.Arrays.copyOfRange(logits, from, from + codebookSize), level, noise, temperature);
    }

    /** {@link #sampleUnique} given only the level's C logits {@code [C]} (the slice the range mask leaves). */
    public int sampleLevel(float[] levelLogits, int level, float[] noise, float temperature) {
        if (levelLogits.length != codebookSize) {
            throw new IllegalArgumentException("level " + level + " needs " + codebookSize + " logits, got "
                    + levelLogits.length);
        }
        float threshold = topKThreshold(levelLogits, 0, codebookSize, topK);
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < codebookSize; c++) {
            float v = levelLogits[c];
            if (v < threshold) {
                continue;
            }
            float perturbed = temperature == 0 || noise == null ? v : v + temperature * noise[c];
            if (best < 0 || perturbed > bestValue) {
                best = c;
                bestValue = perturbed;
            }
        }
        return uniqueId(level, best);
    }

    /**
     * §3.8 (the rollout graph): level logits {@code [C]}; {@code perturbed = logits * invT + g}; entries below the
     * top-k threshold of the raw logits become -1e4; returns the argmax code (0..C-1).
     */
    public int sampleCode(float[] levelLogits, float[] noise, float inverseTemperature) {
        if (levelLogits.length != codebookSize || noise.length != codebookSize) {
            throw new IllegalArgumentException("rollout sampling needs " + codebookSize + " logits and noise values, got "
                    + levelLogits.length + " and " + noise.length);
        }
        float threshold = topKThreshold(levelLogits, 0, codebookSize, topK);
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < codebookSize; c++) {
            float masked = levelLogits[c] >= threshold ? levelLogits[c] * inverseTemperature + noise[c]
                    : Mrt2Constants.FP16_MASK;
            if (masked > bestValue) {
                best = c;
                bestValue = masked;
            }
        }
        return best;
    }

    /**
     * The k-th largest of {@code v[from .. from+n)} (counting repeats), i.e. the smallest value top-k keeps: what
     * {@code Arrays.sort} of a copy would hold at {@code n - k}, ordered as it orders ({@link Float#compare}: -0 below
     * +0, NaN above everything). Keeps only the k largest so far, ascending, so a level of 1024 logits costs one pass
     * and a few insertions instead of a sort.
     */
    public static float topKThreshold(float[] v, int from, int n, int k) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("top-" + k + " of " + n + " values");
        }
        float[] top = new float[k];
        int held = 0;
        for (int i = from; i < from + n; i++) {
            float x = v[i];
            int at;
            if (held < k) {
                at = held++;
            } else if (Float.compare(x, top[0]) > 0) {
                at = 0;
                // the smallest leaves; x moves up past every kept value below it
                while (at + 1 < k && Float.compare(top[at + 1], x) < 0) {
                    top[at] = top[at + 1];
                    at++;
                }
                top[at] = x;
                continue;
            } else {
                continue;
            }
            while (at > 0 && Float.compare(top[at - 1], x) > 0) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = x;
        }
        return top[0];
    }
}
