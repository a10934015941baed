package dev.mrt2.validate.reference;

import dev.mrt2.model.CodecBlock;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Layout;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 24 SpectroStream decoder convolutions (mrt2-model.md §2.9), keyed by their path below
 * {@code params/soundstream/decoder/} (e.g. {@code decoder_0/conv2d_3x3}), in checkpoint documentation order.
 */
public final class DecoderWeights {
    /** One conv: what it is and its weights. */
    public record Conv(CodecBlock spec, ConvWeights weights) {}

    private final Map<String, Conv> convs;

    public DecoderWeights(Map<String, Conv> convs) {
        this.convs = new LinkedHashMap<>(convs);
    }

    public static DecoderWeights read(SafetensorsFile file, Mrt2Dims dims) {
        CheckpointReader r = new CheckpointReader(file);
        Map<String, Conv> convs = new LinkedHashMap<>();
        for (CodecBlock b : Mrt2Layout.codecConvs(dims)) {
            float[] kernel = r.read(b.kernelKey(), b.kt(), b.kf(), b.cin(), b.cout());
            float[] bias = r.read(b.biasKey(), b.cout());
            convs.put(b.path(), new Conv(b, ConvWeights.fromHwio(kernel, bias, b.kt(), b.kf(), b.cin(), b.cout())));
        }
        return new DecoderWeights(convs);
    }

    public Conv conv(String path) {
        Conv c = convs.get(path);
        if (c == null) {
            throw new IllegalArgumentException("no codec conv '" + path + "' (have " + convs.keySet() + ")");
        }
        return c;
    }

    public boolean has(String path) {
        return convs.containsKey(path);
    }

    /** The transposed conv of an upsampling block such as {@code decoder_4}. */
    public Conv transposeOf(String block) {
        List<Conv> found = convs.values().stream()
                .filter(c -> c.spec().transpose() && c.spec().path().startsWith(block + "/")).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException("block '" + block + "' has " + found.size() + " transposed convs");
        }
        return found.get(0);
    }
}
