package dev.mrt2.validate;

import java.util.Map;
import java.util.TreeMap;

/**
 * The in-graph depth rollout on each stored rollout arm (mrt2-model.md §3.8, §8.2 "depth rollout"), one prediction
 * per frame with the arm's frame input, noise and inverse temperature. Gates per arm: feedback finite; FP32: token
 * exact and feedback max abs error <= {@link #MAX_F32_FEEDBACK_ERROR}; FP16: the first flip of every frame is a near
 * tie ({@link RolloutCheck#NEAR_TIE_GAP}); later flips of a frame follow from its different input and are counted,
 * not gated.
 */
final class RolloutArmsCheck extends KindCheck {
    static final String NAME = "depth rollout arms";
    /** Feedback is a mean of embeddings the FP32 graph gathers exactly; only summation order can differ. */
    static final double MAX_F32_FEEDBACK_ERROR = 1e-3;
    /**
     * Why FP16 flips are judged by the reference's own margin and not by a rate: the port's FP16 rollout flipped
     * 148/900 tokens on near ties and shipped (mrt2-model.md §6.3, §11.9); a rate gate would fail it. Measured here:
     * largest reference gap of a frame's first flip 0.0015 on the tiny checkpoint (3 of 900 tokens), 0.00082 on the
     * full-size synthetic one (2 of 900), both far below the 0.1 a wrong weight or op would exceed.
     */
    static final String FP16_WHY = "first flip of each frame within the reference's near-tie gap 0.1 (FP16 "
            + "rounding closes at most a few 2^-5 steps); measured max first-flip gap 0.0015 (tiny), 0.00082 "
            + "(full-size synthetic); the port shipped 148/900 near-tie flips (mrt2-model.md §6.3)";

    RolloutArmsCheck() {
        super(NAME, PackageInfo.Kind.DEPTH_ROLLOUT);
    }

    @Override
    public Demand needs(PackageInfo info) {
        return new Demand(false, false, false, false, true, 0, false);
    }

    @Override
    public Coverage coverage(ReferenceSet ref, PackageInfo info) {
        if (ref.rollouts().isEmpty()) {
            return Coverage.missing(NAME, "rollout_<arm>.npz", "the reference has no rollout arms (the published set "
                    + "holds none: its rollout noise and first input are not reproducible, mrt2-model.md §8.2)");
        }
        RolloutReference.Arm arm = ref.rollouts().get(0);
        Coverage widths = Widths.input(ref, NAME, arm.origin().fixture(), "temporal_frame", info, RolloutCheck.FRAME,
                arm.inputs()[0].length);
        int codes = arm.gumbel()[0][0].length;
        if (widths.covered() && info.inputWidth(RolloutCheck.NOISE) != codes) {
            Widths.requireOtherModel(ref, info, arm.origin().fixture(), "gumbel_noise", codes, RolloutCheck.NOISE,
                    info.inputWidth(RolloutCheck.NOISE));
            return Coverage.missing(NAME, arm.origin().fixture(), arm.origin().fixture() + " has noise over " + codes
                    + " codes; the package's " + RolloutCheck.NOISE + " takes " + info.inputWidth(RolloutCheck.NOISE));
        }
        return widths;
    }

    @Override
    public void run(PackageRun run, ReferenceSet ref, Findings out) {
        String a = run.info.artifact();
        RolloutCheck check = new RolloutCheck(run.exec(), a);
        Map<String, Object> json = new TreeMap<>();
        for (RolloutReference.Arm arm : ref.rollouts()) {
            RolloutCheck.ArmResult r = check.run(arm);
            String name = arm.spec().name();
            String fixture = arm.origin().fixture();
            json.put(name, r.json());
            out.comparisons.add(FixtureComparison.tokens(fixture, "sampled_codes", a, r.tokens()));
            out.comparisons.add(FixtureComparison.of(fixture, "temporal_feedback", a, r.feedback()));
            String prefix = "rollout." + name + ".";
            out.gates.add(Gate.exactly(a, fixture, prefix + "temporal_feedback_finite_ratio", r.feedbackFiniteRatio(),
                    1, "every feedback value must be finite"));
            if (run.info.fp16()) {
                out.gates.add(Gate.exactly(a, fixture, prefix + "first_in_frame_not_near_tie",
                        r.firstInFrameNotNearTie(), 0, FP16_WHY));
            } else {
                out.gates.add(Gate.exactly(a, fixture, prefix + "token_mismatches_vs_reference",
                        r.tokens().tokenMismatches(), 0, "the FP32 rollout is token-exact (the port: 0/900)"));
                out.gates.add(Gate.atMost(a, fixture, prefix + "temporal_feedback_max_abs_error",
                        r.feedbackMaxAbsError(), MAX_F32_FEEDBACK_ERROR, "feedback is a mean of embeddings the "
                                + "FP32 graph gathers exactly; the port measured 4.77e-07"));
            }
        }
        out.results.put("rollout", json);
    }
}
