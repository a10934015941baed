package dev.mrt2.convert;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The calibration input the FP16 decoder's rescale is measured on: T frames of RVQ codes drawn uniformly from
 * SplitMix64(seed), one code per level, and per frame the float32 sum of the checkpoint's codebook rows for levels
 * 0..L-1 in that order (mrt2-model.md §4.1, §14.6). Deterministic, and reproducible by any host from this description.
 *
 * @param seed   SplitMix64 seed; a code is {@code floor(u * C)} with {@code u = (next >>> 40) / 2^24}
 * @param frames T, the decoder's token frames
 */
public record DecoderCalibration(long seed, int frames) {
    /** Differs from the validator's input seed, so validation checks the plan on inputs it was not chosen on. */
    public static final long DEFAULT_SEED = 20260721L;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** Codes {@code [T][L]}, frame-major, each level drawn in turn. */
    public int[][] codes(Mrt2Dims dims) {
        long state = seed == 0 ? GOLDEN_GAMMA : seed;
        int levels = dims.rvqLevels();
        int[][] codes = new int[frames][levels];
        for (int[] row : codes) {
            for (int l = 0; l < levels; l++) {
                state += GOLDEN_GAMMA;
                long z = state;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                z ^= z >>> 31;
                float u = (z >>> 40) * 0x1.0p-24f;
                row[l] = (int) (u * dims.codebookSize());
            }
        }
        return codes;
    }

    /** The summed embeddings {@code [T][E]}. */
    public float[][] embeddings(SafetensorsFile checkpoint, Mrt2Dims dims) {
        int c = dims.codebookSize();
        int e = dims.codebookDim();
        CheckpointTensor table = CheckpointTensor.require(checkpoint, Mrt2Keys.QUANTIZER, dims.storedLevels(), c, e);
        float[] rows = table.read();
        int[][] codes = codes(dims);
        float[][] out = new float[frames][e];
        for (int t = 0; t < frames; t++) {
            for (int l = 0; l < codes[t].length; l++) {
                int base = (l * c + codes[t][l]) * e;
                for (int k = 0; k < e; k++) {
                    out[t][k] += rows[base + k];
                }
            }
        }
        return out;
    }

    /** How the input was made, for the export metadata. */
    public SortedMap<String, Object> json(Mrt2Dims dims) {
        SortedMap<String, Object> m = new TreeMap<>();
        m.put("seed", seed);
        m.put("frames", frames);
        m.put("levels", dims.rvqLevels());
        m.put("codes", "SplitMix64(seed) uniform per frame then level: code = floor(((z >>> 40) / 2^24) * "
                + dims.codebookSize() + ")");
        m.put("embeddings", "float32 sum of " + Mrt2Keys.QUANTIZER + "[level][code] for levels 0.."
                + (dims.rvqLevels() - 1) + " in order");
        m.put("graph", "FP32 decoder of this checkpoint, same ops, no rescale");
        return m;
    }
}
