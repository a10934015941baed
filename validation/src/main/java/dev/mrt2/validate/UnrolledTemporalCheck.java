package dev.mrt2.validate;

import java.util.Map;
import java.util.TreeMap;

/**
 * Temporal packages on the unrolled case: its F teacher-forced steps from fresh state (F = 2 in the published
 * fixture), against {@code temporal_outputs_mlx}. Gates: every output finite; correlation >=
 * {@link #MIN_CORRELATION}.
 */
final class UnrolledTemporalCheck extends KindCheck {
    static final String NAME = "temporal unrolled";
    /**
     * Two FP16 steps against an FP32 reference: the port's receipts measured 0.9999859 (stateful, 1 frame) and
     * 0.9999817 (carry, 2 frames) against MLX (mrt2-model.md §9.1).
     */
    static final double MIN_CORRELATION = 0.9999;

    UnrolledTemporalCheck() {
        super(NAME, PackageInfo.Kind.TEMPORAL, PackageInfo.Kind.TEMPORAL_CARRY);
    }

    @Override
    public Demand needs(PackageInfo info) {
        return new Demand(false, true, false, false, false, 0, false);
    }

    @Override
    public Coverage coverage(ReferenceSet ref, PackageInfo info) {
        if (ref.unrolled() == null) {
            return Coverage.missing(NAME, FixtureFiles.UNROLLED, "the reference has no unrolled case");
        }
        ReferenceSet.Unrolled u = ref.unrolled();
        return Widths.temporal(ref, NAME, u.origin().fixture(), info, u.temporalInputs()[0].length,
                u.sources()[0].length);
    }

    @Override
    public void run(PackageRun run, ReferenceSet ref, Findings out) {
        ReferenceSet.Unrolled u = ref.unrolled();
        String a = run.info.artifact();
        TemporalStepper stepper = TemporalStepper.of(run.exec(), run.info);
        TemporalFigures figures = TemporalFigures.compare(stepper.run(u.temporalInputs(), u.sources()),
                u.temporalOutputs());
        String fixture = u.origin().fixture();
        Map<String, Object> json = new TreeMap<>(figures.json());
        json.put("host_protocol", stepper.protocol());
        json.put("fixture", fixture);
        json.put("reference", u.origin().source());
        json.put("inputs", u.origin().inputs());
        out.results.put("temporal_unrolled", json);
        out.comparisons.add(figures.row(fixture, FixtureFiles.UNROLLED_OUTPUTS, a));
        out.gates.add(Gate.exactly(a, fixture, "unrolled.temporal.finite_ratio", figures.overall().finiteRatio(), 1,
                "every output must be finite"));
        out.gates.add(Gate.atLeast(a, fixture, "unrolled.temporal.correlation", figures.overall().correlationOrNaN(),
                MIN_CORRELATION, "FP16 steps vs an FP32 reference; the port measured 0.9999859 (stateful) and "
                        + "0.9999817 (carry, 2 frames) against MLX (mrt2-model.md §9.1)"));
    }
}
