package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The decoder package on the reference's chunk: SNR, log-spectral distance, finite ratio (mrt2-model.md §8.1, §8.2).
 * Gates: finite ratio 1; SNR >= {@code --min-decoder-snr-db} (FP32) or {@link #FP16_MIN_SNR_DB}; LSD <=
 * {@link #FP32_MAX_LSD_DB} or {@link #FP16_MAX_LSD_DB}.
 */
final class DecoderCheck extends KindCheck {
    static final String NAME = "decoder";
    static final String INPUT = dev.mrt2.convert.DecoderConverter.INPUT;
    static final String OUTPUT = "decoder_stft";
    /**
     * Gate for FP16 decoders (the rescaled §6.2.4 package): SNR vs the FP32 reference. FP16 keeps 11 significant
     * bits, about 66 dB for one rounding; measured on tiny synthetic checkpoints (4 frames): 58.6 dB with no block
     * hot, 56.7 dB with the rescale active (DecoderF16RescaleTest). 40 dB leaves room for real content, while a
     * wrong scale, bias or ELU inside the rescale region (an error of the signal's order) still fails by far.
     */
    static final double FP16_MIN_SNR_DB = 40;
    /**
     * LSD gates. FP32: measured 1.4e-5 dB (tiny) and 2.4e-5 dB (full-size synthetic), the port's Core ML FP32
     * decoder 7.2e-4 dB against MLX (mrt2-model.md §9.1); 0.01 dB is 14 times the port's. FP16: measured 0.031 dB
     * (tiny) and 0.025 dB (full-size synthetic), the port's 0.261 dB; 1 dB is about 4 times the port's.
     */
    static final double FP32_MAX_LSD_DB = 0.01;
    static final double FP16_MAX_LSD_DB = 1.0;

    /** Token frames T of the package's {@code [1, T, E]} input. */
    static int frames(PackageInfo info) {
        List<Integer> shape = info.inputShape(INPUT);
        return shape.size() == 3 ? shape.get(1) : -1;
    }

    DecoderCheck() {
        super(NAME, PackageInfo.Kind.DECODER);
    }

    @Override
    public Demand needs(PackageInfo info) {
        return new Demand(false, false, false, false, false, frames(info), false);
    }

    @Override
    public Coverage coverage(ReferenceSet ref, PackageInfo info) {
        if (ref.decoder() == null) {
            return Coverage.missing(NAME, FixtureFiles.DECODER, "the reference has no decoder chunk (the published "
                    + "set holds none)");
        }
        ReferenceSet.DecoderCase d = ref.decoder();
        if (d.frames() != frames(info)) {
            return Coverage.missing(NAME, d.origin().fixture(), d.origin().fixture() + " holds a " + d.frames()
                    + "-frame chunk; the package decodes " + frames(info) + " (regenerate with --decoder-frames "
                    + frames(info) + ")");
        }
        return Widths.input(ref, NAME, d.origin().fixture(), "decoder_embeddings", info, INPUT,
                d.embeddings()[0].length);
    }

    @Override
    public void run(PackageRun run, ReferenceSet ref, Findings out) {
        ReferenceSet.DecoderCase d = ref.decoder();
        String a = run.info.artifact();
        String fixture = d.origin().fixture();
        Comparison c = decode(run.exec(), a, d);
        Map<String, Object> json = new TreeMap<>();
        json.put("comparison", c);
        json.put("frames", d.frames());
        json.put("fixture", fixture);
        json.put("reference", d.origin().source());
        json.put("inputs", d.origin().inputs());
        out.results.put("decoder", json);
        out.comparisons.add(FixtureComparison.of(fixture, OUTPUT, a, c));
        boolean fp16 = run.info.fp16();
        out.gates.add(Gate.exactly(a, fixture, "decoder.finite_ratio", c.finiteRatio(), 1,
                "finite_ratio is checked first (mrt2-model.md §8.2); the port's FP32 decoder overflowed in FP16"));
        out.gates.add(Gate.atLeast(a, fixture, "decoder.snr_db", c.snrDb(),
                fp16 ? FP16_MIN_SNR_DB : run.options.minDecoderSnrDb(), fp16
                        ? "FP16 keeps 11 significant bits (about 66 dB per rounding); measured 56.7-58.6 dB on tiny "
                        + "checkpoints, the port's 59.4 dB"
                        : "FP32 package vs FP32 reference; the port measured 118.8 dB against MLX"));
        out.gates.add(Gate.atMost(a, fixture, "decoder.log_spectral_distance_db", c.logSpectralDistanceDb(),
                fp16 ? FP16_MAX_LSD_DB : FP32_MAX_LSD_DB, fp16
                        ? "measured 0.031 dB (tiny), 0.025 dB (full-size synthetic); the port's FP16 decoder 0.261 dB"
                        : "measured 1.4e-5 dB (tiny), 2.4e-5 dB (full-size synthetic); the port's FP32 decoder "
                        + "7.2e-4 dB"));
    }

    static Comparison decode(MlProgramExecutor exec, String artifact, ReferenceSet.DecoderCase ref) {
        int[] shape = PackageIo.requireInput(exec, INPUT, artifact);
        Map<String, NdArray> in = new TreeMap<>();
        in.put(INPUT, NdArray.f32(shape, PackageIo.flatten(ref.embeddings())));
        NdArray out = exec.predict(in).get(OUTPUT);
        if (out == null) {
            throw new BadInputException(artifact + ": no output '" + OUTPUT + "'");
        }
        // the fixture's shape was checked against its own frames (FixtureDims), which the package's input matches
        if (!java.util.Arrays.equals(out.shape(), ref.stft().shape())) {
            throw new BadInputException(artifact + ": output '" + OUTPUT + "' is " + out + " for " + ref.frames()
                    + " token frames, not " + ref.stft() + " (" + ref.origin().fixture() + ")");
        }
        return Metrics.compareSpectra(NdArray.f32(out.shape(), out.floats()), ref.stft());
    }
}
