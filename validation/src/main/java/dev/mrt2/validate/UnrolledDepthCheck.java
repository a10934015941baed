package dev.mrt2.validate;

import dev.mrt2.validate.metrics.Comparison;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.validate.metrics.TokenMismatches;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The depth-logits package on the unrolled case (the port's {@code validate_temporal_body.py} composed check,
 * mrt2-model.md §8.2): fed {@code [fixture temporal output; prefix_embeddings]}, its logits against
 * {@code depth_logits_mlx}, with argmax token mismatches over F x L; then the same with row 0 taken from each
 * temporal package of the folder run on the case's inputs ("temporal_plus_depth_logits"), reported, not gated.
 * Gates (FP32 packages): every logit finite, correlation >= {@link #MIN_CORRELATION}, no argmax mismatch.
 */
final class UnrolledDepthCheck extends KindCheck {
    static final String NAME = "depth logits unrolled";
    /**
     * FP32 package vs FP32 reference on the same rows differ only in summation order; the port's composed figure with
     * an FP16 temporal output in row 0 was still 0.99999825 (mrt2-model.md §9.1).
     */
    static final double MIN_CORRELATION = 0.9999;

    UnrolledDepthCheck() {
        super(NAME, PackageInfo.Kind.DEPTH_LOGITS);
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
        Coverage widths = Widths.input(ref, NAME, u.origin().fixture(), FixtureFiles.UNROLLED_PREFIX, info,
                DepthLogits.INPUT, u.temporalInputs()[0].length);
        java.util.List<Integer> out = info.outputs().get(DepthLogits.OUTPUT);
        int vocab = u.depthLogits()[0][0].length;
        if (widths.covered() && (out == null || out.get(out.size() - 1) != vocab)) {
            Widths.requireOtherModel(ref, info, u.origin().fixture(), FixtureFiles.UNROLLED_LOGITS, vocab,
                    DepthLogits.OUTPUT, out == null ? -1 : out.get(out.size() - 1));
            return Coverage.missing(NAME, u.origin().fixture(), u.origin().fixture() + " has logits over " + vocab
                    + " ids; the package's " + DepthLogits.OUTPUT + " is " + out + " (fixtures for another model)");
        }
        return widths;
    }

    @Override
    public void run(PackageRun run, ReferenceSet ref, Findings out) {
        ReferenceSet.Unrolled u = ref.unrolled();
        String a = run.info.artifact();
        String fixture = u.origin().fixture();
        DepthLogits depth = new DepthLogits(run.exec(), a);
        Map<String, Object> json = new TreeMap<>();
        FixtureComparison alone = compare(depth, u, u.temporalOutputs(), fixture, a)
                .withTemporal(FixtureComparison.FIXTURE, null);
        out.comparisons.add(alone);
        json.put("fixture_temporal", alone);
        for (PackageInfo t : run.temporalPackages) {
            for (TemporalRuns.Sequence s : compositions(ref, t, run.temporalPackages)) {
                float[][] temporal = run.temporalRuns.outputs(t, s);
                FixtureComparison composed = compare(depth, u, temporal, fixture, a)
                        .withTemporal(FixtureComparison.PACKAGE, t.artifact());
                out.comparisons.add(composed);
                json.put("temporal_plus_depth_logits." + t.artifact(), composed);
            }
        }
        json.put("fixture", fixture);
        json.put("reference", u.origin().source());
        json.put("inputs", u.origin().inputs());
        out.results.put("depth_unrolled", json);
        out.gates.add(Gate.exactly(a, fixture, "unrolled.depth.finite_ratio", alone.finiteRatio(), 1,
                "every logit must be finite"));
        if (!run.info.fp16()) {
            out.gates.add(Gate.atLeast(a, fixture, "unrolled.depth.correlation",
                    alone.correlation() == null ? Double.NaN : alone.correlation(), MIN_CORRELATION,
                    "FP32 package vs FP32 reference on the same rows (mrt2-model.md §9.1: 0.99999825 even with an "
                            + "FP16 temporal row 0)"));
            out.gates.add(Gate.exactly(a, fixture, "unrolled.depth.token_mismatches", alone.tokenMismatches(), 0,
                    "the FP32 depth body is token-exact (the port: 0/12 on its receipt, 0/300 over 25 frames)"));
        }
    }

    /** The unrolled case's inputs, run through every temporal package whose widths fit them. */
    @Override
    public List<TemporalRuns.Sequence> compositions(ReferenceSet ref, PackageInfo temporal,
                                                    List<PackageInfo> temporalPackages) {
        ReferenceSet.Unrolled u = ref.unrolled();
        if (u == null || !Widths.temporal(ref, NAME, u.origin().fixture(), temporal, u.temporalInputs()[0].length,
                u.sources()[0].length).covered()) {
            return List.of();
        }
        return List.of(new TemporalRuns.Sequence(u.temporalInputs(), u.sources()));
    }

    /** Logits of every frame with row 0 = {@code temporal[f]}, against the case's, plus argmax mismatches. */
    private static FixtureComparison compare(DepthLogits depth, ReferenceSet.Unrolled u, float[][] temporal,
                                             String fixture, String pkg) {
        int f = u.frames();
        int levels = u.tokens()[0].length;
        int vocab = u.depthLogits()[0][0].length;
        float[][][] logits = depth.logitsAll(java.util.Arrays.copyOf(temporal, f),
                java.util.Arrays.copyOf(u.prefix(), f));
        int[][] got = new int[f][];
        int[][] want = new int[f][];
        for (int i = 0; i < f; i++) {
            got[i] = DepthLogits.argmaxIds(logits[i]);
            want[i] = DepthLogits.argmaxIds(u.depthLogits()[i]);
        }
        int[] shape = {f, levels, vocab};
        Comparison c = Metrics.compare(Tensors.f32(shape, logits), Tensors.f32(shape, u.depthLogits()));
        TokenMismatches t = Metrics.tokens(got, want);
        return FixtureComparison.of(fixture, FixtureFiles.UNROLLED_LOGITS, pkg, c).withTokens(t);
    }
}
