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
        require("temporal input", temporalInput, weights.modelDim());
        require("source", source, weights.sourceDim());
        float[] x = temporalInput.clone();
        for (int l = 0; l < weights.layers().size(); l++) {
            TemporalWeights.Layer layer = weights.layers().get(l);
            x = selfAttention(layer.self(), selfCaches.get(l), x);
            x = crossAttention(layer.cross(), crossCaches.get(l), x, source);
            x = LayerMath.ffnBlock(k, layer.ffn(), x);
        }
        return x;
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
    private float[] selfAttention(AttentionWeights w, KvWindow cache, float[] x) {
        float[] normed = k.rmsNorm(x, w.preNorm());
        float[] key = k.vecMat(normed, w.key(), w.kvIn(), w.width(), null);
        float[] value = k.vecMat(normed, w.value(), w.kvIn(), w.width(), null);
        float[] ctx = attendWithCurrent(w, cache, LayerMath.query(k, w, normed), key, value);
        cache.append(key, value);
        return LayerMath.attentionOutput(k, w, x, ctx);
    }

    /** §3.3: q from RMS(x; pre), k and v from the raw source row (no norm). */
    private float[] crossAttention(AttentionWeights w, KvWindow cache, float[] x, float[] source) {
        float[] normed = k.rmsNorm(x, w.preNorm());
        float[] key = k.vecMat(source, w.key(), w.kvIn(), w.width(), null);
        float[] value = k.vecMat(source, w.value(), w.kvIn(), w.width(), null);
        float[] ctx = attendWithCurrent(w, cache, LayerMath.query(k, w, normed), key, value);
        cache.append(key, value);
        return LayerMath.attentionOutput(k, w, x, ctx);
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
