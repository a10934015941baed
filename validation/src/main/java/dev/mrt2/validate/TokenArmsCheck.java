package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.validate.metrics.TokenMismatches;
import dev.mrt2.validate.reference.Sampler;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Token agreement of the depth-logits package with each stored sampling arm, teacher-forced frame by frame: each
 * level is sampled from the package's logits with the §3.7 rule and the arm's noise and temperature.
 * <ul>
 *   <li>{@code depth}: row 0 = the arm's reference temporal output;</li>
 *   <li>{@code temporal_plus_depth}: row 0 = a temporal package's output for the arm's temporal inputs (the folder's
 *       first stateful temporal package, else its first carry package).</li>
 * </ul>
 * Gates (FP32 depth): 0 mismatches alone, and composed too when the temporal package is FP32.
 */
final class TokenArmsCheck extends KindCheck {
    static final String NAME = "depth token arms";

    TokenArmsCheck() {
        super(NAME, PackageInfo.Kind.DEPTH_LOGITS);
    }

    @Override
    public Demand needs(PackageInfo info) {
        return new Demand(false, false, false, true, false, 0, false);
    }

    @Override
    public Coverage coverage(ReferenceSet ref, PackageInfo info) {
        if (ref.arms().isEmpty()) {
            return Coverage.missing(NAME, "tokens_<arm>.npz", "the reference has no sampling arms");
        }
        ReferenceSet.TokenArm arm = ref.arms().get(0);
        return Widths.input(ref, NAME, arm.origin().fixture(), "temporal_outputs", info, DepthLogits.INPUT,
                arm.temporalOutputs()[0].length);
    }

    @Override
    public void run(PackageRun run, ReferenceSet ref, Findings out) {
        String a = run.info.artifact();
        DepthLogits depth = new DepthLogits(run.exec(), a);
        PackageInfo temporalInfo = composable(ref, run.temporalPackages, ref.arms().get(0));
        Map<String, Object> arms = new TreeMap<>();
        for (ReferenceSet.TokenArm arm : ref.arms()) {
            String fixture = arm.origin().fixture();
            int[][] expected = codes(arm.ids(), arm.codebookSize());
            int[][] alone = codes(sampleAll(depth, arm, arm.temporalOutputs()), arm.codebookSize());
            TokenMismatches depthTokens = Metrics.tokens(alone, expected);
            out.comparisons.add(FixtureComparison.tokens(fixture, "tokens", a, depthTokens)
                    .withTemporal(FixtureComparison.FIXTURE, null));
            Map<String, Object> m = new TreeMap<>();
            m.put("temperature", Double.parseDouble(Float.toString(arm.temperature())));   // 1.3, not 1.29999
            m.put("frames", arm.frames());
            m.put("depth", depthTokens);
            m.put("inputs", arm.origin().inputs());
            m.put("reference", arm.origin().source());
            if (!run.info.fp16()) {
                out.gates.add(Gate.exactly(a, fixture, "tokens." + arm.name() + ".depth.token_mismatches",
                        depthTokens.tokenMismatches(), 0, "the FP32 depth body samples the reference's tokens "
                                + "from the reference's temporal outputs"));
            }
            if (temporalInfo != null) {
                float[][] outs = run.temporalRuns.outputs(temporalInfo, sequence(arm));
                int[][] both = codes(sampleAll(depth, arm, outs), arm.codebookSize());
                TokenMismatches composed = Metrics.tokens(both, expected);
                int d = outs[0].length;
                Comparison temporalOutputs = Metrics.compare(NdArray.f32(new int[] {arm.frames(), d},
                        PackageIo.flatten(outs)), NdArray.f32(new int[] {arm.frames(), d},
                        PackageIo.flatten(arm.temporalOutputs())));
                out.comparisons.add(FixtureComparison.tokens(fixture, "tokens", a, composed)
                        .withTemporal(FixtureComparison.PACKAGE, temporalInfo.artifact()));
                out.comparisons.add(FixtureComparison.of(fixture, "temporal_outputs", temporalInfo.artifact(),
                        temporalOutputs));
                m.put("temporal_plus_depth", composed);
                m.put("temporal_outputs", temporalOutputs);
                if (!run.info.fp16() && !temporalInfo.fp16()) {
                    out.gates.add(Gate.exactly(a, fixture, "tokens." + arm.name()
                            + ".temporal_plus_depth.token_mismatches", composed.tokenMismatches(), 0,
                            "FP32 temporal and FP32 depth together are token-exact"));
                }
            }
            arms.put(arm.name(), m);
        }
        if (temporalInfo != null) {
            arms.put("temporal_package", temporalInfo.artifact());
        }
        out.results.put("tokens", arms);
    }

    /** Every arm's inputs, run through the one temporal package the arms compose with. */
    @Override
    public List<TemporalRuns.Sequence> compositions(ReferenceSet ref, PackageInfo temporal,
                                                    List<PackageInfo> temporalPackages) {
        if (ref.arms().isEmpty() || !temporal.equals(composable(ref, temporalPackages, ref.arms().get(0)))) {
            return List.of();
        }
        return ref.arms().stream().map(TokenArmsCheck::sequence).toList();
    }

    private static TemporalRuns.Sequence sequence(ReferenceSet.TokenArm arm) {
        return new TemporalRuns.Sequence(arm.temporalInputs(), arm.sources());
    }

    /** The temporal package to compose with: the first stateful one, else the first carry one, of matching width. */
    private static PackageInfo composable(ReferenceSet ref, List<PackageInfo> temporalPackages,
                                          ReferenceSet.TokenArm arm) {
        int d = arm.temporalInputs()[0].length;
        int s = arm.sources()[0].length;
        PackageInfo carry = null;
        for (PackageInfo t : temporalPackages) {
            if (!Widths.temporal(ref, NAME, arm.origin().fixture(), t, d, s).covered()) {
                continue;
            }
            if (t.kind() == PackageInfo.Kind.TEMPORAL) {
                return t;
            }
            carry = carry == null ? t : carry;
        }
        return carry;
    }

    /**
     * One prediction per frame (all frames in one batch), then the §3.7 sampler on every level's row with the arm's
     * noise and temperature: unique ids {@code [F][L]}.
     */
    private static int[][] sampleAll(DepthLogits depth, ReferenceSet.TokenArm arm, float[][] temporalOutputs) {
        float[][][] logits = depth.logitsAll(Arrays.copyOf(temporalOutputs, arm.frames()),
                Arrays.copyOf(arm.prefix(), arm.frames()));
        Sampler sampler = Sampler.standard(arm.codebookSize());
        int[][] ids = new int[arm.frames()][arm.levels()];
        for (int f = 0; f < ids.length; f++) {
            for (int l = 0; l < ids[f].length; l++) {
                ids[f][l] = sampler.sampleUnique(logits[f][l], l, arm.gumbel()[f][l], arm.temperature());
            }
        }
        return ids;
    }

    private static int[][] codes(int[][] ids, int codebookSize) {
        int[][] out = new int[ids.length][];
        for (int f = 0; f < ids.length; f++) {
            out[f] = codes(ids[f], codebookSize);
        }
        return out;
    }

    private static int[] codes(int[] ids, int codebookSize) {
        int[] c = new int[ids.length];
        for (int l = 0; l < ids.length; l++) {
            c[l] = Math.floorMod(ids[l] - Mrt2Constants.RESERVED_TOKENS, codebookSize);
        }
        return c;
    }
}
