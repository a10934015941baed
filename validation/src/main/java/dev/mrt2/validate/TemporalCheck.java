package dev.mrt2.validate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams the temporal package through the reference's inputs from fresh states, following the host protocol of
 * the repository's MODELS.md: at step s, {@code valid = min(s, 41)}; {@code cache_valid_bias} is 0 for the sinks,
 * for the current frame and for cache rows {@code r >= 41 - valid}, and -1e4 for the other rows.
 */
final class TemporalCheck {
    static final String INPUT = "temporal_inputs";
    static final String SOURCE = "source_encoded";
    static final String BIAS = "cache_valid_bias";
    static final String OUTPUT = "temporal_outputs";

    /** Per-step figures for the receipt. */
    @JsonPropertyOrder(alphabetic = true)
    record Step(@JsonProperty("step") int step, @JsonProperty("max_abs_error") double maxAbsError,
                @JsonProperty("mean_abs_error") double meanAbsError, @JsonProperty("correlation") Double correlation,
                @JsonProperty("finite_ratio") double finiteRatio) {
        static Step of(int step, Comparison c) {
            return new Step(step, c.maxAbsError(), c.meanAbsError(), c.correlation(), c.finiteRatio());
        }
    }

    /**
     * @param overall  all steps, {@code [steps, D]}
     * @param postWrap steps 41.. only (the window has wrapped)
     * @param steps    one entry per step
     */
    record Result(Comparison overall, Comparison postWrap, List<Step> steps) {
        Map<String, Object> json() {
            Map<String, Object> m = new TreeMap<>();
            m.put("overall", overall);
            m.put("post_wrap", postWrap);
            m.put("per_step", steps);
            m.put("steps", steps.size());
            m.put("wrapped_steps", steps.size() - Mrt2Constants.WINDOW);
            m.put("window_frames", Mrt2Constants.WINDOW);
            return m;
        }
    }

    private final MlProgramExecutor exec;
    private final String artifact;
    private final int[] biasShape;

    TemporalCheck(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        this.biasShape = PackageIo.inputShape(exec, BIAS);
    }

    /** Fresh states, then one prediction per row of the stream. */
    Result run(ReferenceSet.TemporalStream stream) {
        exec.resetStates();
        int n = stream.inputs().length;
        float[][] outputs = new float[n][];
        List<Step> steps = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            outputs[s] = step(s, stream.inputs()[s], stream.sources()[s]);
            steps.add(Step.of(s, Metrics.compare(vector(outputs[s]), vector(stream.outputs()[s]))));
        }
        int wrap = Mrt2Constants.WINDOW;
        return new Result(compare(outputs, stream.outputs(), 0, n), compare(outputs, stream.outputs(), wrap, n), steps);
    }

    /** Zero states: the next {@link #step} is step 0 of a new stream. */
    void resetStates() {
        exec.resetStates();
    }

    /** One streaming step at 0-based position {@code step} of the current state sequence. */
    float[] step(int step, float[] input, float[] source) {
        Map<String, NdArray> in = new TreeMap<>();
        in.put(INPUT, NdArray.f32(new int[] {1, 1, input.length}, input));
        in.put(SOURCE, NdArray.f32(new int[] {1, 1, source.length}, source));
        if (biasShape != null) {
            in.put(BIAS, bias(step, biasShape));
        }
        return PackageIo.floats(exec.predict(in), OUTPUT, artifact).clone();
    }

    /** The §6.2.2 validity bias for step {@code step}: {@code [1, 1, 1, sinks + 41 + 1]} FP16. */
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

    static Comparison compare(float[][] actual, float[][] expected, int from, int to) {
        float[][] a = Arrays.copyOfRange(actual, from, to);
        float[][] e = Arrays.copyOfRange(expected, from, to);
        int width = a[0].length;
        return Metrics.compare(NdArray.f32(new int[] {to - from, width}, PackageIo.flatten(a)),
                NdArray.f32(new int[] {to - from, width}, PackageIo.flatten(e)));
    }

    private static NdArray vector(float[] v) {
        return NdArray.f32(new int[] {v.length}, v);
    }
}
