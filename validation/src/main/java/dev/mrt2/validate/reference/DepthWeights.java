package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Every depth-body weight (mrt2-model.md §2.6).
 *
 * @param adapter      {@code [D, Dd]}, no bias
 * @param layers       the depth layers (2): self-attention without sinks, FFN
 * @param finalScale   final LayerNorm scale {@code [Dd]}
 * @param finalBias    final LayerNorm bias {@code [Dd]}
 * @param logits       {@code [Dd, V]}, all V columns including the 6 reserved ones
 * @param logitsBias   {@code [V]}
 */
public record DepthWeights(Matrix adapter, List<Layer> layers, float[] finalScale, float[] finalBias,
                           Matrix logits, float[] logitsBias) {

    public record Layer(AttentionWeights attention, FfnWeights ffn) {}

    public DepthWeights {
        layers = List.copyOf(layers);
    }

    public int depthDim() {
        return finalScale.length;
    }

    public int inputDim() {
        return adapter.rows();
    }

    public int vocab() {
        return logitsBias.length;
    }

    public static DepthWeights read(SafetensorsFile file, Mrt2Dims dims) {
        CheckpointReader r = new CheckpointReader(file);
        int dd = dims.depthDim();
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < dims.depthLayers(); l++) {
            int layer = l;
            java.util.function.UnaryOperator<String> at = sub -> Mrt2Keys.depthLayer(layer, sub);
            Slab slab = new Slab(r, AttentionWeights.matrixFloats(dd, dd, dims.depthHeads() * dims.depthHeadDim())
                    + FfnWeights.matrixFloats(dd, dims.depthFfn()));
            layers.add(new Layer(
                    AttentionWeights.read(r, slab, at, Mrt2Keys.SELF, dd, dd, dims.depthHeads(), dims.depthHeadDim(),
                            0),
                    FfnWeights.read(r, slab, at, dd, dims.depthFfn())));
            slab.requireFull();
        }
        int in = dims.temporalDim();
        Slab ends = new Slab(r, (long) in * dd + (long) dd * dims.vocab());
        DepthWeights w = new DepthWeights(
                ends.read(Mrt2Keys.depth("depth_input_adapter/kernel"), in, dd, in, dd),
                layers,
                r.read(Mrt2Keys.depth("final_ln/scale"), dd),
                r.read(Mrt2Keys.depth("final_ln/bias"), dd),
                ends.read(Mrt2Keys.depth("to_logits/kernel"), dd, dims.vocab(), dd, dims.vocab()),
                r.read(Mrt2Keys.depth("to_logits/bias"), dims.vocab()));
        ends.requireFull();
        return w;
    }
}
