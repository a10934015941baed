package dev.mrt2.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distribution each synthetic tensor is drawn from, chosen so activations keep realistic magnitudes when the
 * converted graphs run in FP16 (see {@link Mrt2Synth}). Keys are classified by their leaf names (§2.2); a key no rule
 * knows is an error, so a new key in {@link Mrt2Layout} forces a decision here.
 */
final class SynthInit {
    /** N(mean, std^2). */
    record Gaussian(double mean, double std) {}

    private final Map<String, CodecBlock> codecKernels = new HashMap<>();
    private final Map<String, CodecBlock> codecBiases = new HashMap<>();

    SynthInit(Mrt2Dims dims) {
        for (CodecBlock c : Mrt2Layout.codecConvs(dims)) {
            codecKernels.put(c.kernelKey(), c);
            codecBiases.put(c.biasKey(), c);
        }
    }

    Gaussian forKey(String key, List<Long> shape) {
        CodecBlock conv = codecKernels.get(key);
        if (conv != null) {
            // fan_in = kt*kf*cin; a transpose conv sees only 1/(st*sf) of its taps per output position
            double fanIn = (double) conv.kt() * conv.kf() * conv.cin() / (conv.st() * conv.sf());
            return new Gaussian(0, 1 / Math.sqrt(fanIn));
        }
        if (codecBiases.containsKey(key)) {
            return new Gaussian(0, 0.01);
        }
        if (key.equals(Mrt2Keys.EMBEDDING)) {
            // the model multiplies by sqrt(D), so sqrt(D) * row has unit scale
            return new Gaussian(0, 1 / Math.sqrt(shape.get(1)));
        }
        if (key.equals(Mrt2Keys.QUANTIZER)) {
            return new Gaussian(0, 0.1);   // rows of norm ~1.6 at E = 256
        }
        if (key.startsWith(Mrt2Keys.ENCODER) && key.endsWith("/embedding")) {
            return new Gaussian(0, 0.1);   // conditioning-encoder tables
        }
        if (key.endsWith("/scale")) {
            return new Gaussian(1, 0.05);  // RMSNorm / LayerNorm scales multiply, so they sit near 1
        }
        if (key.endsWith("/bias")) {
            return new Gaussian(0, 0.02);  // LayerNorm and dense biases
        }
        if (key.endsWith("/per_dim_scale")) {
            return new Gaussian(0, 0.1);   // softplus(0) is the neutral point of the query scale
        }
        if (key.endsWith("_embeddings")) {
            return new Gaussian(0, 1 / Math.sqrt(shape.get(shape.size() - 1)));   // sinks [1, H, h]: 1/sqrt(h)
        }
        if (key.endsWith("/output_projection/kernel")) {
            // [d_model, H, h]: the sum runs over H*h, so that is the fan-in
            return new Gaussian(0, 1 / Math.sqrt((double) shape.get(1) * shape.get(2)));
        }
        if (key.endsWith("/kernel")) {
            return new Gaussian(0, 1 / Math.sqrt(shape.get(0)));   // dense and Q/K/V: [in, ...]
        }
        throw new IllegalStateException("no synthetic initialisation rule for key '" + key + "' " + shape);
    }
}
