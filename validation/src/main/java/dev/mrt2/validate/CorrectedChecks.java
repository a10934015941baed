package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gates of the corrected generation (issue #7 item 2), called by {@link Validator} per package kind:
 * <ul>
 *   <li>carry temporal step: the stateful step's gates (finite ratio 1, correlation >= the temporal minimum) over the
 *       streaming reference with the host ring protocol;</li>
 *   <li>depth rollout, FP32: per arm 0 token mismatches and feedback max abs error <= {@link #MAX_F32_FEEDBACK_ERROR};
 *       FP16: per arm feedback finite ratio 1, mismatches counted and classified but not gated.</li>
 * </ul>
 */
final class CorrectedChecks {
    /** Feedback is a mean of embeddings the FP32 graph gathers exactly; only summation order can differ. */
    static final double MAX_F32_FEEDBACK_ERROR = 1e-3;

    private CorrectedChecks() {}

    static void carry(MlProgramExecutor exec, PackageInfo info, ReferenceSet.TemporalStream stream,
                      ValidationOptions options, Map<String, Object> results, List<Gate> gates) {
        String a = info.artifact();
        CarryCheck.Result r = new CarryCheck(exec, a).run(stream);
        results.put("temporal", r.json());
        results.put("inputs", stream.provenance());
        gates.add(Gate.exactly(a, "temporal.overall.finite_ratio", r.temporal().overall().finiteRatio(), 1));
        gates.add(Gate.atLeast(a, "temporal.overall.correlation", r.temporal().overall().correlationOrNaN(),
                options.minTemporalCorrelation()));
    }

    /** @param arms the rollout reference, or null when no checkpoint was given (stored fixtures hold none) */
    static void rollout(MlProgramExecutor exec, PackageInfo info, List<RolloutReference.Arm> arms,
                        Map<String, Object> results, List<Gate> gates) {
        String a = info.artifact();
        if (arms == null) {
            throw new BadInputException(a + ": the rollout check computes its reference from the checkpoint; "
                    + "pass --checkpoint (stored fixtures hold no rollout reference)");
        }
        RolloutCheck check = new RolloutCheck(exec, a);
        Map<String, Object> json = new TreeMap<>();
        for (RolloutReference.Arm arm : arms) {
            RolloutCheck.ArmResult r = check.run(arm);
            String name = arm.spec().name();
            json.put(name, r.json());
            String prefix = "rollout." + name + ".";
            gates.add(Gate.exactly(a, prefix + "temporal_feedback_finite_ratio", r.feedbackFiniteRatio(), 1));
            if (!info.fp16()) {
                gates.add(Gate.exactly(a, prefix + "token_mismatches_vs_reference", r.tokens().tokenMismatches(), 0));
                gates.add(Gate.atMost(a, prefix + "temporal_feedback_max_abs_error", r.feedbackMaxAbsError(),
                        MAX_F32_FEEDBACK_ERROR));
            }
        }
        results.put("rollout", json);
    }
}
