package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.List;
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
        return PackageIo.floats(exec.predict(inputs(step, input, source)), OUTPUT, artifact).clone();
    }

    private Map<String, NdArray> inputs(int step, float[] input, float[] source) {
        Map<String, NdArray> in = new TreeMap<>();
        in.put(INPUT, NdArray.f32(new int[] {1, 1, input.length}, input));
        in.put(SOURCE, NdArray.f32(new int[] {1, 1, source.length}, source));
        if (biasShape != null) {
            in.put(BIAS, bias(step, biasShape));
        }
        return in;
    }

    /**
     * The sequences of one length stepped together on lanes of the executor ({@link MlProgramExecutor#lanes}), each
     * from zero states: every weight is read once per step for all of them, and each output is the bits of
     * {@link #run} alone. The executor's own states are left as they were.
     */
    @Override
    public float[][][] runAll(float[][][] inputs, float[][][] sources) {
        float[][][] out = new float[inputs.length][][];
        Map<Integer, List<Integer>> byLength = new TreeMap<>();
        for (int q = 0; q < inputs.length; q++) {
            byLength.computeIfAbsent(inputs[q].length, n -> new ArrayList<>()).add(q);
        }
        byLength.forEach((steps, group) -> {
            MlProgramExecutor.Lanes lanes = exec.lanes(group.size());
            for (int q : group) {
                out[q] = new float[steps][];
            }
            for (int s = 0; s < steps; s++) {
                List<Map<String, NdArray>> in = new ArrayList<>();
                for (int q : group) {
                    in.add(inputs(s, inputs[q][s], sources[q][s]));
                }
                List<Map<String, NdArray>> results = lanes.predict(in);
                for (int i = 0; i < group.size(); i++) {
                    out[group.get(i)][s] = PackageIo.floats(results.get(i), OUTPUT, artifact).clone();
                }
            }
        });
        return out;
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
