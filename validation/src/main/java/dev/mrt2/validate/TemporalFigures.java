package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streamed temporal run against its expected outputs: overall, after the 41-row window wrapped, and per step
 * (mrt2-model.md §8.1 figures). Used alike for the executor's outputs and for those the device runner pulls.
 *
 * @param overall  all steps, {@code [steps, D]}
 * @param postWrap steps 41.. only, or null when the stream is too short to wrap
 * @param steps    one entry per step
 */
public record TemporalFigures(Comparison overall, Comparison postWrap, List<FixtureComparison.StepFigures> steps) {

    public static TemporalFigures compare(float[][] actual, float[][] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " outputs for " + expected.length + " expected steps");
        }
        List<FixtureComparison.StepFigures> steps = new ArrayList<>();
        for (int s = 0; s < actual.length; s++) {
            steps.add(FixtureComparison.StepFigures.of(s, Metrics.compare(vector(actual[s]), vector(expected[s]))));
        }
        int n = actual.length;
        int wrap = Mrt2Constants.WINDOW;
        return new TemporalFigures(compare(actual, expected, 0, n), n > wrap ? compare(actual, expected, wrap, n)
                : null, steps);
    }

    /** The comparison row, per step included. */
    public FixtureComparison row(String fixture, String array, String pkg) {
        return FixtureComparison.of(fixture, array, pkg, overall).withSteps(steps);
    }

    Map<String, Object> json() {
        Map<String, Object> m = new TreeMap<>();
        m.put("overall", overall);
        if (postWrap != null) {
            m.put("post_wrap", postWrap);
        }
        m.put("per_step", steps);
        m.put("steps", steps.size());
        m.put("wrapped_steps", Math.max(0, steps.size() - Mrt2Constants.WINDOW));
        m.put("window_frames", Mrt2Constants.WINDOW);
        return m;
    }

    private static Comparison compare(float[][] actual, float[][] expected, int from, int to) {
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
