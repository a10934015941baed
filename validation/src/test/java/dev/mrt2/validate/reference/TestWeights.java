package dev.mrt2.validate.reference;

import dev.mrt2.host.noise.SplitMix64;
import java.util.ArrayList;
import java.util.List;

/** Seeded random weights for tiny hand-sized models (no checkpoint needed). */
final class TestWeights {
    private final SplitMix64 rng;

    TestWeights(long seed) {
        rng = new SplitMix64(seed);
    }

    float[] normal(int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return v;
    }

    /** Norm scales around 1, so the sandwich norms do not wash everything out. */
    float[] scale(int n) {
        float[] v = normal(n, 0.1);
        for (int i = 0; i < n; i++) {
            v[i] += 1;
        }
        return v;
    }

    AttentionWeights attention(int dim, int kvIn, int heads, int headDim, int sinks) {
        int width = heads * headDim;
        return new AttentionWeights(scale(dim), Matrix.of(normal(dim * width, 1 / Math.sqrt(dim)), dim, width),
                Matrix.of(normal(kvIn * width, 1 / Math.sqrt(kvIn)), kvIn, width),
                Matrix.of(normal(kvIn * width, 1 / Math.sqrt(kvIn)), kvIn, width),
                Kernels.queryScale(normal(headDim, 0.5)), normal(sinks * width, 1), normal(sinks * width, 1),
                Matrix.of(normal(dim * width, 1 / Math.sqrt(width)), width, dim), scale(dim), sinks, heads, headDim,
                kvIn);
    }

    FfnWeights ffn(int dim, int hidden) {
        return new FfnWeights(scale(dim), Matrix.of(normal(dim * hidden, 1 / Math.sqrt(dim)), dim, hidden),
                normal(hidden, 0.1), Matrix.of(normal(hidden * dim, 1 / Math.sqrt(hidden)), hidden, dim),
                normal(dim, 0.1), scale(dim));
    }

    TemporalWeights temporal(int layers, int dim, int heads, int headDim, int source, int hidden) {
        List<TemporalWeights.Layer> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            out.add(new TemporalWeights.Layer(attention(dim, dim, heads, headDim, 1),
                    attention(dim, source, heads, headDim, 1), ffn(dim, hidden)));
        }
        return new TemporalWeights(out);
    }

    DepthWeights depth(int inputDim, int dim, int layers, int heads, int headDim, int hidden, int vocab) {
        List<DepthWeights.Layer> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            out.add(new DepthWeights.Layer(attention(dim, dim, heads, headDim, 0), ffn(dim, hidden)));
        }
        return new DepthWeights(Matrix.of(normal(inputDim * dim, 1 / Math.sqrt(inputDim)), inputDim, dim), out,
                scale(dim), normal(dim, 0.1), Matrix.of(normal(dim * vocab, 3 / Math.sqrt(dim)), dim, vocab),
                normal(vocab, 0.5));
    }

    ConvWeights conv(int cout, int cin, int kt, int kf) {
        return new ConvWeights(normal(cout * cin * kt * kf, 1 / Math.sqrt(cin * kt * kf)), normal(cout, 0.1), cout,
                cin, kt, kf);
    }

    Chw chw(int c, int t, int f) {
        return new Chw(normal(c * t * f, 1), c, t, f);
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + " != " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance * scale)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }
}
