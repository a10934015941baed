package dev.mrt2.validate.reference;

import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

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

    /**
     * Reads the layers on all cores (each into a slab of its own, so nothing depends on which finishes first); a bad
     * key fails naming the first bad layer's, as a read in layer order would.
     */
    public static TemporalWeights read(SafetensorsFile file, Mrt2Dims dims) {
        CheckpointReader r = new CheckpointReader(file);
        List<Object> read = IntStream.range(0, dims.temporalLayers()).parallel().mapToObj(l -> {
            try {
                return (Object) layer(r, dims, l);
            } catch (RuntimeException e) {
                return e;
            }
        }).toList();
        List<Layer> layers = new ArrayList<>();
        for (Object o : read) {
            if (o instanceof RuntimeException e) {
                throw e;
            }
            layers.add((Layer) o);
        }
        return new TemporalWeights(layers);
    }

    private static Layer layer(CheckpointReader r, Mrt2Dims dims, int layer) {
        int d = dims.temporalDim();
        java.util.function.UnaryOperator<String> at = sub -> Mrt2Keys.temporal(layer, sub);
        int width = dims.temporalHeads() * dims.temporalHeadDim();
        Slab slab = new Slab(r, AttentionWeights.matrixFloats(d, d, width)
                + AttentionWeights.matrixFloats(d, dims.sourceDim(), width)
                + FfnWeights.matrixFloats(d, dims.temporalFfn()));
        Layer out = new Layer(
                AttentionWeights.read(r, slab, at, Mrt2Keys.SELF, d, d, dims.temporalHeads(),
                        dims.temporalHeadDim(), dims.sinks()),
                AttentionWeights.read(r, slab, at, Mrt2Keys.CROSS, d, dims.sourceDim(), dims.temporalHeads(),
                        dims.temporalHeadDim(), dims.sinks()),
                FfnWeights.read(r, slab, at, d, dims.temporalFfn()));
        slab.requireFull();
        return out;
    }
}
