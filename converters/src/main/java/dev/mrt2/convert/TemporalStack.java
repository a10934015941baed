package dev.mrt2.convert;

import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Var;
import java.util.Locale;

/**
 * The temporal transformer's math for one frame (mrt2-model.md §3.2-3.5), shared by the stateful step
 * ({@link TemporalConverter}) and the stateless carry step ({@link TemporalCarryConverter}). The two graphs differ only
 * in where an attention block's 41 past K/V rows come from and where the frame's new row goes; a {@link KvRows}
 * supplies that plumbing, everything else is built here once.
 */
final class TemporalStack {
    /** Where one attention block's past rows come from and where its new row goes. */
    interface KvRows {
        /**
         * The past rows {@code [1, 41, H, h]} of cache {@code index} (Appendix B order: layer, then self/cross, then
         * key/value); {@code name} is the stem for any op this adds, e.g. {@code l03_self_key_cache}.
         */
        Var past(String name, int index);

        /** This frame's new row {@code [1, 1, H, h]} of cache {@code index}, with the past rows it attended over. */
        void current(String name, int index, Var past, Var row);
    }

    private final MilBuilder mb;
    private final TransformerOps ops;
    private final KvRows kv;

    TemporalStack(MilBuilder mb, TransformerOps ops, KvRows kv) {
        this.mb = mb;
        this.ops = ops;
        this.kv = kv;
    }

    /**
     * All layers for one frame: {@code x [1, 1, D]} and {@code src [1, 1, S]} in the graph's precision, {@code bias
     * [1, 1, 1, slots]} added to every block's scores. Returns the last layer's output (§2.5: no final norm).
     */
    Var frame(TemporalConverter.Weights w, Var x, Var src, Var bias) {
        for (int l = 0; l < w.layers().size(); l++) {
            TemporalConverter.Layer layer = w.layers().get(l);
            String p = String.format(Locale.ROOT, "l%02d_", l);
            int cache = 4 * l;   // self key, self value, cross key, cross value
            // §3.2 step 1: x += RMS(OutProj(SelfAttn(RMS(x; pre))); post); K/V from the normed stream.
            Var xs = ops.rmsNormWithHeadroom(p + "self_pre_norm", x, layer.self().preNorm());
            Var self = attention(p + "self", xs, xs, layer.self(), layer.selfSinks(), cache, bias);
            self = ops.rmsNormWithHeadroom(p + "self_post_norm", self, layer.self().postNorm());
            x = mb.add(p + "self_residual", x, self);
            // §3.2 step 2: the same with K/V from the raw source_encoded (§3.3: no norm on the source).
            Var xc = ops.rmsNormWithHeadroom(p + "cross_pre_norm", x, layer.cross().preNorm());
            Var cross = attention(p + "cross", xc, src, layer.cross(), layer.crossSinks(), cache + 2, bias);
            cross = ops.rmsNormWithHeadroom(p + "cross_post_norm", cross, layer.cross().postNorm());
            x = mb.add(p + "cross_residual", x, cross);
            // §3.2 step 3: x += RMS(GELU_tanh(RMS(x; pre)·W1 + b1)·W2 + b2; post).
            Var xf = ops.rmsNormWithHeadroom(p + "ffn_pre_norm", x, layer.ffn().preNorm());
            Var ffn = ops.rmsNormWithHeadroom(p + "ffn_post_norm", ops.feedForward(p + "ffn", xf, layer.ffn()),
                    layer.ffn().postNorm());
            x = mb.add(p + "ffn_residual", x, ffn);
        }
        return x;
    }

    /**
     * One attention block of one frame (§3.3-3.5): the query attends over [SK / s, 41 past rows, current key] with
     * the host bias added to the scaled scores; the current K/V row then goes to {@link KvRows#current}.
     */
    private Var attention(String p, Var queryIn, Var kvIn, AttentionWeights a, SinkWeights sinks, int cache,
                          Var bias) {
        int heads = a.heads();
        int h = a.headDim();
        // Per-dim query scale s (weights only, so a constant) applied to q as [1, H, 1, h].
        float[] scale = WeightLayouts.queryScale(a.perDimScale().read());
        Var s = ops.constants().of(p + "_query_scale", a.perDimScale(), scale, h);
        Var q = mb.reshape(p + "_q_heads", ops.linear(p + "_q", queryIn, a.query(), null), 1, heads, 1, h);
        Var qScaled = mb.mul(p + "_q_scaled", q, s);
        // K/V of the current frame, shaped like one cache row [1, 1, H, h] (caches hold K/V after projection).
        Var k = mb.reshape(p + "_k_row", ops.linear(p + "_k", kvIn, a.key(), null), 1, 1, heads, h);
        Var v = mb.reshape(p + "_v_row", ops.linear(p + "_v", kvIn, a.value(), null), 1, 1, heads, h);
        // Keys [1, H, slots, h] = [SK / s, past, k]: SK / s turns the scaled query's product into the sink logit
        // of the UNSCALED query (§3.4).
        Var sinkKey = ops.constants().of(p + "_sink_key", sinks.key(),
                WeightLayouts.sinkKeysOverScale(sinks.key().read(), scale), 1, sinks.count(), heads, h);
        Var sinkValue = ops.constants().of(p + "_sink_value", sinks.value(), 1, sinks.count(), heads, h);
        Var pastK = kv.past(p + "_key_cache", cache);
        Var pastV = kv.past(p + "_value_cache", cache + 1);
        Var keys = mb.transpose(p + "_keys", mb.concat(p + "_key_rows", 1, sinkKey, pastK, k), 0, 2, 1, 3);
        Var values = mb.transpose(p + "_values", mb.concat(p + "_value_rows", 1, sinkValue, pastV, v), 0, 2, 1, 3);
        // Scores [1, H, 1, slots] + host bias (0 valid, -1e4 invalid; broadcast over heads), softmax over the slots.
        Var scores = mb.add(p + "_scores_biased", mb.matmul(p + "_scores", qScaled, keys, false, true), bias);
        Var probs = mb.softmax(p + "_probs", scores, -1);
        Var mixed = mb.matmul(p + "_mix", probs, values, false, false);
        Var context = mb.reshape(p + "_context", mixed, 1, 1, (long) heads * h);
        Var out = ops.outputProjection(p + "_out", context, a.output());
        kv.current(p + "_key_cache", cache, pastK, k);
        kv.current(p + "_value_cache", cache + 1, pastV, v);
        return out;
    }
}
