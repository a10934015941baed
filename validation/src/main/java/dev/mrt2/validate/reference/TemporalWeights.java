package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Every temporal-transformer weight (mrt2-model.md §2.5), read once from the checkpoint.
 *
 * @param layers the temporal layers in order (12 for mrt2_small)
 */
public record TemporalWeights(List<Layer> layers) {

    /** One temporal layer: self-attention, cross-attention, FFN. */
    public record Layer(AttentionWeights self, AttentionWeights cross, FfnWeights ffn) {}

    public TemporalWeights {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a temporal body needs at least one layer");
        }
    }

    public int modelDim() {
        return layers.get(0).self().modelDim();
    }

    public int sourceDim() {
        return layers.get(0).cross().kvIn();
    }

    public static TemporalWeights read(SafetensorsFile file, Mrt2Dims dims) {
        CheckpointReader r = new CheckpointReader(file);
        int d = dims.temporalDim();
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < dims.temporalLayers(); l++) {
            int layer = l;
            java.util.function.UnaryOperator<String> at = sub -> Mrt2Keys.temporal(layer, sub);
            int width = dims.temporalHeads() * dims.temporalHeadDim();
            Slab slab = new Slab(r, AttentionWeights.matrixFloats(d, d, width)
                    + AttentionWeights.matrixFloats(d, dims.sourceDim(), width)
                    + FfnWeights.matrixFloats(d, dims.temporalFfn()));
            layers.add(new Layer(
                    AttentionWeights.read(r, slab, at, Mrt2Keys.SELF, d, d, dims.temporalHeads(),
                            dims.temporalHeadDim(), dims.sinks()),
                    AttentionWeights.read(r, slab, at, Mrt2Keys.CROSS, d, dims.sourceDim(), dims.temporalHeads(),
                            dims.temporalHeadDim(), dims.sinks()),
                    FfnWeights.read(r, slab, at, d, dims.temporalFfn())));
            slab.requireFull();
        }
        return new TemporalWeights(layers);
    }
}
