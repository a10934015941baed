package dev.mrt2.validate.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * A second, deliberately naive temporal body for tests: float64 throughout, its own loops, and chronological
 * history lists instead of ring/shift caches; attention sees [sink, the last {@code window} frames, current].
 */
final class NaiveTemporal {
    private final TemporalWeights w;
    private final int window;
    final List<List<double[]>> selfKeys = new ArrayList<>();
    private final List<List<double[]>> selfValues = new ArrayList<>();
    final List<List<double[]>> crossKeys = new ArrayList<>();
    private final List<List<double[]>> crossValues = new ArrayList<>();

    NaiveTemporal(TemporalWeights w, int window) {
        this.w = w;
        this.window = window;
        for (int l = 0; l < w.layers().size(); l++) {
            selfKeys.add(new ArrayList<>());
            selfValues.add(new ArrayList<>());
            crossKeys.add(new ArrayList<>());
            crossValues.add(new ArrayList<>());
        }
    }

    float[] step(float[] input, float[] source) {
        double[] x = toDouble(input);
        double[] src = toDouble(source);
        for (int l = 0; l < w.layers().size(); l++) {
            TemporalWeights.Layer layer = w.layers().get(l);
            x = attentionBlock(layer.self(), x, null, selfKeys.get(l), selfValues.get(l));
            x = attentionBlock(layer.cross(), x, src, crossKeys.get(l), crossValues.get(l));
            x = ffn(layer.ffn(), x);
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    private double[] attentionBlock(AttentionWeights a, double[] x, double[] source, List<double[]> keys,
                                    List<double[]> values) {
        double[] n = rms(x, a.preNorm());
        double[] kvIn = source == null ? n : source;
        int width = a.width();
        double[] q = dense(n, a.query().copy(), width);
        double[] k = dense(kvIn, a.key().copy(), width);
        double[] v = dense(kvIn, a.value().copy(), width);
        List<double[]> visibleK = new ArrayList<>(keys.subList(Math.max(0, keys.size() - window), keys.size()));
        List<double[]> visibleV = new ArrayList<>(values.subList(Math.max(0, values.size() - window), values.size()));
        visibleK.add(k);
        visibleV.add(v);
        double[] ctx = new double[width];
        int h = a.headDim();
        for (int head = 0; head < a.heads(); head++) {
            int o = head * h;
            double[] logits = new double[1 + visibleK.size()];
            for (int d = 0; d < h; d++) {
                logits[0] += q[o + d] * a.sinkKey()[o + d];
            }
            for (int j = 0; j < visibleK.size(); j++) {
                for (int d = 0; d < h; d++) {
                    logits[1 + j] += q[o + d] * a.queryScale()[d] * visibleK.get(j)[o + d];
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double z : logits) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int j = 0; j < logits.length; j++) {
                logits[j] = Math.exp(logits[j] - max);
                sum += logits[j];
            }
            for (int d = 0; d < h; d++) {
                double c = logits[0] / sum * a.sinkValue()[o + d];
                for (int j = 0; j < visibleV.size(); j++) {
                    c += logits[1 + j] / sum * visibleV.get(j)[o + d];
                }
                ctx[o + d] = c;
            }
        }
        keys.add(k);
        values.add(v);
        double[] y = new double[x.length];
        for (int r = 0; r < x.length; r++) {
            for (int c = 0; c < width; c++) {
                y[r] += a.output().at(c, r) * ctx[c];
            }
        }
        return add(x, rms(y, a.postNorm()));
    }

    private double[] ffn(FfnWeights f, double[] x) {
        double[] hidden = dense(rms(x, f.preNorm()), f.w1().copy(), f.hidden());
        for (int i = 0; i < hidden.length; i++) {
            double z = hidden[i] + f.b1()[i];
            hidden[i] = 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
        }
        double[] y = dense(hidden, f.w2().copy(), x.length);
        for (int i = 0; i < y.length; i++) {
            y[i] += f.b2()[i];
        }
        return add(x, rms(y, f.postNorm()));
    }

    static double[] dense(double[] x, float[] kernel, int out) {
        double[] y = new double[out];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < out; j++) {
                y[j] += x[i] * kernel[i * out + j];
            }
        }
        return y;
    }

    static double[] rms(double[] x, float[] scale) {
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        double inv = 1 / Math.sqrt(ms / x.length + 1e-6);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * inv * scale[i];
        }
        return y;
    }

    static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
