package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stateful temporal step with the host protocol of the repository's MODELS.md ("bias protocol"): states start at
 * zero; at step s, {@code valid = min(s, 41)}; {@code cache_valid_bias} is 0 for the sinks, for the current frame and
 * for cache rows {@code r >= 41 - valid} (the graph shifts the newest row into row 40), and -1e4 for the other rows.
 */
final class StatefulStepper implements TemporalStepper {
    static final String INPUT = "temporal_inputs";
    static final String SOURCE = "source_encoded";
    static final String BIAS = "cache_valid_bias";
    static final String OUTPUT = "temporal_outputs";

    private final MlProgramExecutor exec;
    private final String artifact;
    private final int[] biasShape;

    StatefulStepper(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        this.biasShape = PackageIo.inputShape(exec, BIAS);
    }

    @Override
    public void reset() {
        exec.resetStates();
    }

    @Override
    public float[] step(int step, float[] input, float[] source) {
        Map<String, NdArray> in = new TreeMap<>();
        in.put(INPUT, NdArray.f32(new int[] {1, 1, input.length}, input));
        in.put(SOURCE, NdArray.f32(new int[] {1, 1, source.length}, source));
        if (biasShape != null) {
            in.put(BIAS, bias(step, biasShape));
        }
        return PackageIo.floats(exec.predict(in), OUTPUT, artifact).clone();
    }

    @Override
    public String protocol() {
        return "stateful: states start at zero; cache_valid_bias opens the newest min(step, 41) rows (rows >= 41 - "
                + "valid), sinks and current frame always open";
    }

    @Override
    public Map<String, Object> facts() {
        return Map.of();
    }

    /** The validity bias for step {@code step}: {@code [1, 1, 1, sinks + 41 + 1]} FP16. */
    static NdArray bias(int step, int[] shape) {
        int slots = shape[shape.length - 1];
        int window = Mrt2Constants.WINDOW;
        int sinks = slots - window - 1;
        if (sinks < 0) {
            throw new BadInputException(BIAS + " has " + slots + " slots, fewer than the " + (window + 1)
                    + " cache rows + current frame");
        }
        int valid = Math.min(step, window);
        float[] b = new float[slots];
        for (int r = 0; r < window; r++) {
            b[sinks + r] = r >= window - valid ? 0f : Mrt2Constants.FP16_MASK;
        }
        return NdArray.f16(shape, b);
    }
}
