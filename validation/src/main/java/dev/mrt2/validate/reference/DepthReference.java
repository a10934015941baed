package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;

/**
 * The depth body (mrt2-model.md §3.6): positions {@code [k][D]} (position 0 = the temporal output, position j >= 1 =
 * {@code sqrt(D) Emb[id of level j-1]}) through the adapter, the causal self-attention layers (no sinks, no positional
 * encoding), the final LayerNorm and the full-vocabulary logits, soft-capped {@code 30 tanh(z/30)}. The depth window
 * of 12 past positions covers all 12 levels, so the mask is plain causal.
 */
public final class DepthReference {
    private final DepthWeights weights;
    private final Kernels k;

    public DepthReference(DepthWeights weights, boolean float64Accumulation) {
        this.weights = weights;
        this.k = Kernels.of(float64Accumulation);
    }

    public static DepthReference load(SafetensorsFile file, Mrt2Dims dims, boolean float64Accumulation) {
        return new DepthReference(DepthWeights.read(file, dims), float64Accumulation);
    }

    public DepthWeights weights() {
        return weights;
    }

    /** Soft-capped logits {@code [k][V]} for every position; row j sees positions 0..j only. */
    public float[][] logits(float[][] positions) {
        Session s = session(positions.length);
        float[][] out = new float[positions.length][];
        for (int j = 0; j < positions.length; j++) {
            out[j] = s.next(positions[j]);
        }
        return out;
    }

    /** An incremental pass over up to {@code maxPositions} positions: each call adds one and returns its logits. */
    public Session session(int maxPositions) {
        return new Session(maxPositions);
    }

    /** Keeps each layer's K/V of the positions seen so far, so position j costs one position's work. */
    public final class Session {
        private final int capacity;
        private final float[][] keys;
        private final float[][] values;
        private int count;

        private Session(int capacity) {
            this.capacity = capacity;
            int layers = weights.layers().size();
            keys = new float[layers][];
            values = new float[layers][];
            for (int l = 0; l < layers; l++) {
                int width = weights.layers().get(l).attention().width();
                keys[l] = new float[capacity * width];
                values[l] = new float[capacity * width];
            }
        }

        public int positions() {
            return count;
        }

        /** Adds {@code position [D]} and returns its soft-capped logits {@code [V]}. */
        public float[] next(float[] position) {
            return next(position, 0, weights.vocab());
        }

        /**
         * Adds {@code position [D]} and returns soft-capped logits {@code [from, from + columns)} only, each the value
         * {@link #next(float[])} gives it: a sampler reads one level's codebook of the vocabulary, and the logits
         * projection is the largest weight the depth body streams per position (D x 12294).
         */
        public float[] next(float[] position, int from, int columns) {
            return nextEach(new Session[] {this}, new float[][] {position}, from, columns)[0];
        }

        private DepthReference owner() {
            return DepthReference.this;
        }
    }

    /**
     * {@link Session#next(float[], int, int)} of every session at once, {@code positions[i]} into
     * {@code sessions[i]}, each result bit for bit what its own call gives, every weight read once for all:
     * independent generations sampling the same level in lockstep. The sessions must be distinct and this body's.
     */
    public float[][] nextEach(Session[] sessions, float[][] positions, int from, int columns) {
        if (positions.length != sessions.length) {
            throw new IllegalArgumentException(sessions.length + " sessions and " + positions.length + " positions");
        }
        for (int i = 0; i < sessions.length; i++) {
            Session s = sessions[i];
            if (s.owner() != this || java.util.Arrays.asList(sessions).subList(0, i).contains(s)) {
                throw new IllegalArgumentException("sessions stepped together must be distinct and of one depth body");
            }
            if (s.count == s.capacity) {
                throw new IllegalStateException("depth session is full (" + s.capacity + " positions)");
            }
            if (positions[i].length != weights.inputDim()) {
                throw new IllegalArgumentException("depth position has " + positions[i].length + " values, expected "
                        + weights.inputDim());
            }
        }
        float[][] y = k.vecMatRows(positions, weights.adapter(), null);
        for (int l = 0; l < weights.layers().size(); l++) {
            DepthWeights.Layer layer = weights.layers().get(l);
            y = attention(layer.attention(), l, sessions, y);
            y = LayerMath.ffnBlocks(k, layer.ffn(), y);
        }
        float[][] normed = new float[y.length][];
        for (int i = 0; i < sessions.length; i++) {
            sessions[i].count++;
            normed[i] = k.layerNorm(y[i], weights.finalScale(), weights.finalBias());
        }
        float[][] z = k.vecMatColumnsRows(normed, weights.logits(), weights.logitsBias(), from, columns);
        for (float[] row : z) {
            for (int i = 0; i < row.length; i++) {
                row[i] = Kernels.softCap(row[i]);
            }
        }
        return z;
    }

    /** Causal self-attention of each session's new position over its positions 0..count (all valid). */
    private float[][] attention(AttentionWeights w, int layer, Session[] sessions, float[][] y) {
        float[][] normed = k.rmsNorms(y, w.preNorm());
        int width = w.width();
        float[][] keys = k.vecMatRows(normed, w.key(), null);
        float[][] values = k.vecMatRows(normed, w.value(), null);
        float[][] queries = LayerMath.queries(k, w, normed);
        float[][] ctx = new float[y.length][];
        for (int i = 0; i < sessions.length; i++) {
            Session s = sessions[i];
            System.arraycopy(keys[i], 0, s.keys[layer], s.count * width, width);
            System.arraycopy(values[i], 0, s.values[layer], s.count * width, width);
            boolean[] valid = new boolean[s.count + 1];
            java.util.Arrays.fill(valid, true);
            ctx[i] = LayerMath.attend(k, w, queries[i], s.keys[layer], s.values[layer], valid, s.count + 1);
        }
        return LayerMath.attentionOutputs(k, w, y, ctx);
    }
}
