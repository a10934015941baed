package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.TreeMap;

/** The decoder package on the reference's chunk: SNR, LSD, finite ratio (mrt2-model.md §8.1, §8.2). */
final class DecoderCheck {
    static final String INPUT = dev.mrt2.convert.DecoderConverter.INPUT;
    static final String OUTPUT = "decoder_stft";
    /**
     * Gate for FP16 decoders (the rescaled §6.2.4 package): SNR vs the FP32 reference. FP16 keeps 11 significant
     * bits, about 66 dB for one rounding; measured on tiny synthetic checkpoints (4 frames): 58.6 dB with no block
     * hot, 56.7 dB with the rescale active (DecoderF16RescaleTest). 40 dB leaves room for real content, while a
     * wrong scale, bias or ELU inside the rescale region (an error of the signal's order) still fails by far.
     */
    static final double FP16_MIN_SNR_DB = 40;

    private final MlProgramExecutor exec;
    private final String artifact;
    private final int[] inputShape;

    DecoderCheck(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        this.inputShape = PackageIo.requireInput(exec, INPUT, artifact);
    }

    /** Token frames T of the package's {@code [1, T, E]} input. */
    int frames() {
        return inputShape[1];
    }

    /** The same, read from the model description without building an executor. */
    static int frames(Model model, String artifact) {
        return model.description().inputs().stream().filter(f -> f.name().equals(INPUT))
                .map(f -> f.type().intDims()[1]).findFirst()
                .orElseThrow(() -> new BadInputException(artifact + ": no input '" + INPUT + "'"));
    }

    Comparison run(ReferenceSet.DecoderCase ref) {
        if (ref.frames() != frames()) {
            throw new BadInputException(artifact + ": the package decodes " + frames()
                    + " token frames, the reference chunk has " + ref.frames()
                    + " (regenerate the fixtures with --decoder-frames " + frames() + ")");
        }
        Map<String, NdArray> in = new TreeMap<>();
        in.put(INPUT, NdArray.f32(inputShape, PackageIo.flatten(ref.embeddings())));
        NdArray out = exec.predict(in).get(OUTPUT);
        if (out == null) {
            throw new BadInputException(artifact + ": no output '" + OUTPUT + "'");
        }
        NdArray actual = NdArray.f32(out.shape(), out.floats());
        return Metrics.compareSpectra(actual, ref.stft());
    }
}
