package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;

/**
 * One streaming step of the temporal transformer, straight from the checkpoint (mrt2-model.md §3.2–3.5) and with no
 * code shared with the converters: per layer, self-attention over [sink, 41 ring-cache rows, current frame],
 * cross-attention over [sink, the last 41 source rows, current source row], then the FFN; no final norm.
 */
public final class TemporalReference {
    /**
     * @param roundCachesToFp16   store each step's K/V rounded to FP16, as the seed's streaming validator does
     * @param float64Accumulation accumulate reductions in float64 instead of float32
     */
    public record Options(boolean roundCachesToFp16, boolean float64Accumulation) {
        public static final Options DEFAULT = new Options(false, false);
    }

    private final TemporalWeights weights;
    private final Kernels k;
    private final List<KvWindow> selfCaches = new ArrayList<>();
    private final List<KvWindow> crossCaches = new ArrayList<>();

    public TemporalReference(TemporalWeights weights, Options options) {
        this.weights = weights;
        this.k = Kernels.of(options.float64Accumulation());
        for (TemporalWeights.Layer layer : weights.layers()) {
            selfCaches.add(new KvWindow(KvWindow.Mode.RING, Mrt2Constants.WINDOW, layer.self().width(),
                    options.roundCachesToFp16()));
            crossCaches.add(new KvWindow(KvWindow.Mode.SHIFT, Mrt2Constants.WINDOW, layer.cross().width(),
                    options.roundCachesToFp16()));
        }
    }

    public static TemporalReference load(SafetensorsFile file, Mrt2Dims dims, Options options) {
        return new TemporalReference(TemporalWeights.read(file, dims), options);
    }

    /**
     * Advances one frame: {@code temporalInput [D]} (the previous frame's feedback, §3.1) and {@code source [S]}
     * ({@code source_encoded} of this frame) give the temporal output {@code [D]}; the caches then hold this frame.
     */
    public float[] step(float[] temporalInput, float[] source) {
        return advance(new TemporalReference[] {this}, new float[][] {temporalInput}, new float[][] {source})[0];
    }

    /**
     * Teacher forcing: {@link #step} on every {@code inputs[s]}, {@code sources[s]} in turn, with the same results
     * bit for bit, but layer by layer, so each weight is read once for all the frames instead of once per frame.
     */
    public float[][] steps(float[][] inputs, float[][] sources) {
        TemporalReference[] sessions = new TemporalReference[inputs.length];
        java.util.Arrays.fill(sessions, this);
        return advance(sessions, inputs, sources);
    }

    /**
     * One {@link #step} of each session, {@code inputs[i]} and {@code sources[i]} into {@code sessions[i]}, with the
     * same results bit for bit, every weight read once for all: independent generations (sampling arms) advancing in
     * lockstep. The sessions must share one weights object and accumulation.
     */
    public static float[][] stepEach(TemporalReference[] sessions, float[][] inputs, float[][] sources) {
        for (TemporalReference s : sessions) {
            if (s.weights != sessions[0].weights || s.k != sessions[0].k) {
                throw new IllegalArgumentException("sessions stepped together must share weights and accumulation");
            }
        }
        return sessions[0].advance(sessions, inputs, sources);
    }

    /** Row i into {@code sessions[i]}; a session named twice takes its rows in order, as successive steps. */
    private float[][] advance(TemporalReference[] sessions, float[][] inputs, float[][] sources) {
        if (inputs.length != sessions.length || sources.length != sessions.length) {
            throw new IllegalArgumentException(sessions.length + " sessions, " + inputs.length + " inputs and "
                    + sources.length + " sources");
        }
        float[][] x = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            require("temporal input", inputs[i], weights.modelDim());
            require("source", sources[i], weights.sourceDim());
            x[i] = inputs[i].clone();
        }
        for (int l = 0; l < weights.layers().size(); l++) {
            TemporalWeights.Layer layer = weights.layers().get(l);
            x = selfAttention(layer.self(), caches(sessions, l, true), x);
            x = crossAttention(layer.cross(), caches(sessions, l, false), x, sources);
            x = LayerMath.ffnBlocks(k, layer.ffn(), x);
        }
        return x;
    }

    private static KvWindow[] caches(TemporalReference[] sessions, int layer, boolean self) {
        KvWindow[] out = new KvWindow[sessions.length];
        for (int i = 0; i < sessions.length; i++) {
            out[i] = (self ? sessions[i].selfCaches : sessions[i].crossCaches).get(layer);
        }
        return out;
    }

    /** Steps taken since construction or the last {@link #reset()}. */
    public int steps() {
        return selfCaches.get(0).step();
    }

    /** Empties every cache (all rows invalid, zero), like a fresh session. */
    public void reset() {
        selfCaches.forEach(KvWindow::reset);
        crossCaches.forEach(KvWindow::reset);
    }

    KvWindow selfCache(int layer) {
        return selfCaches.get(layer);
    }

    KvWindow crossCache(int layer) {
        return crossCaches.get(layer);
    }

    /** §3.3: q, k, v all from RMS(x; pre); k and v enter the ring cache after the step. */
    private float[][] selfAttention(AttentionWeights w, KvWindow[] caches, float[][] x) {
        float[][] normed = k.rmsNorms(x, w.preNorm());
        return attendAll(w, caches, x, normed, normed);
    }

    /** §3.3: q from RMS(x; pre), k and v from the raw source row (no norm). */
    private float[][] crossAttention(AttentionWeights w, KvWindow[] caches, float[][] x, float[][] sources) {
        float[][] normed = k.rmsNorms(x, w.preNorm());
        return attendAll(w, caches, x, normed, sources);
    }

    /**
     * Projections for every row at once, then attention row by row in order, each row's k and v entering its cache
     * before the next row reads it, then the output projections at once.
     */
    private float[][] attendAll(AttentionWeights w, KvWindow[] caches, float[][] x, float[][] normed,
                                float[][] kvSource) {
        float[][] keys = k.vecMatRows(kvSource, w.key(), null);
        float[][] values = k.vecMatRows(kvSource, w.value(), null);
        float[][] queries = LayerMath.queries(k, w, normed);
        float[][] ctx = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            ctx[i] = attendWithCurrent(w, caches[i], queries[i], keys[i], values[i]);
            caches[i].append(keys[i], values[i]);
        }
        return LayerMath.attentionOutputs(k, w, x, ctx);
    }

    /** Attention over [sinks, the cache's rows (masked where invalid), the current frame (always valid)]. */
    private float[] attendWithCurrent(AttentionWeights w, KvWindow cache, float[] q, float[] key, float[] value) {
        int slots = cache.slots() + 1;
        int width = w.width();
        float[] keys = new float[slots * width];
        float[] values = new float[slots * width];
        boolean[] valid = new boolean[slots];
        System.arraycopy(cache.keys, 0, keys, 0, cache.keys.length);
        System.arraycopy(cache.values, 0, values, 0, cache.values.length);
        System.arraycopy(cache.valid, 0, valid, 0, cache.slots());
        System.arraycopy(key, 0, keys, cache.keys.length, width);
        System.arraycopy(value, 0, values, cache.values.length, width);
        valid[slots - 1] = true;
        return LayerMath.attend(k, w, q, keys, values, valid, slots);
    }

    private static void require(String what, float[] v, int n) {
        if (v.length != n) {
            throw new IllegalArgumentException(what + " has " + v.length + " values, the temporal body expects " + n);
        }
    }
}
