package dev.mrt2.validate;

import dev.mrt2.io.Progress;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.NonFiniteOp;
import dev.mrt2.mil.pkg.FileDigests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code mrt2 validate}: runs every artifact of a models folder against the reference cases offered by a fixtures
 * folder (ours, or the port's published set as it is), a checkpoint, or both (the fixtures' cases first, the
 * checkpoint computing the rest), and writes one receipt pair per artifact plus a summary.
 * <ol>
 *   <li>classify the artifacts; read the fixtures; check provenance once (package metadata vs the fixtures' and the
 *       checkpoint's SHA-256, and with a checkpoint the §3.1 identities of the unrolled fixture);</li>
 *   <li>compute from the checkpoint only the cases the packages can use and the fixtures lack (not with
 *       {@code skipReference});</li>
 *   <li>per artifact, every {@link CaseCheck} that applies: covered ones run and gate, the others are listed with the
 *       fixture that would cover them; an executed package also gates on no non-finite op;</li>
 *   <li>the receipts and the summary, written together at the end ({@link StagedReceipts}): a run that stops
 *       before leaves the receipts folder as it was.</li>
 * </ol>
 */
public final class Validator {
    /**
     * @param models        folder holding the artifacts
     * @param checkpoint    the checkpoint, or null
     * @param fixtures      a fixtures folder, or null
     * @param skipReference never compute a case from the checkpoint (it still checks provenance, identities and the
     *                      codebook slice)
     * @param receipts      where the receipts go
     * @param seedFixtures  the seed-fixtures folder whose inputs a computed reference reuses where shapes fit, or null
     * @param strict        the summary's exit rule: uncovered packages fail the run too
     */
    public record Request(Path models, Path checkpoint, Path fixtures, boolean skipReference, Path receipts,
                          Path seedFixtures, ValidationOptions options, boolean strict) {
        public Request {
            if (checkpoint == null && fixtures == null) {
                throw new IllegalArgumentException("need a checkpoint or a fixtures folder");
            }
        }

        /** Not strict. */
        public Request(Path models, Path checkpoint, Path fixtures, boolean skipReference, Path receipts,
                       Path seedFixtures, ValidationOptions options) {
            this(models, checkpoint, fixtures, skipReference, receipts, seedFixtures, options, false);
        }
    }

    /** Every artifact's report, the receipt files written, and where the reference came from. */
    public record Run(List<ArtifactReport> reports, List<Path> receipts, ReferenceInfo reference) {
        /** Something was compared: at least one artifact passed or failed. */
        public boolean compared() {
            return reports.stream().anyMatch(r -> r.status() != ArtifactReport.Status.NOT_COVERED);
        }

        public List<Gate> failedGates() {
            return reports.stream().flatMap(r -> r.failedGates().stream()).toList();
        }

        public List<ArtifactReport> notCovered() {
            return reports.stream().filter(r -> r.status() == ArtifactReport.Status.NOT_COVERED).toList();
        }

        /** Exit 0 only when something was compared, every compared gate passed, and (strict) nothing is uncovered. */
        public boolean passed(boolean strict) {
            return compared() && failedGates().isEmpty() && (!strict || notCovered().isEmpty());
        }

        /** Why {@link #passed} is false, in one line naming the first failed figure; null when it passed. */
        public String verdict(boolean strict) {
            List<Gate> failed = failedGates();
            if (!failed.isEmpty()) {
                return failed.size() + " gate(s) failed; first: " + failed.get(0).line();
            }
            if (!compared()) {
                return "nothing was compared: no artifact is covered by " + reference.source();
            }
            if (strict && !notCovered().isEmpty()) {
                return "--strict: " + notCovered().size() + " artifact(s) not covered by " + reference.source() + ": "
                        + String.join(", ", notCovered().stream().map(r -> r.info().artifact()).toList());
            }
            return null;
        }

        /** Every comparison row of every artifact, in artifact order. */
        public List<FixtureComparison> comparisons() {
            return reports.stream().flatMap(r -> r.comparisons().stream()).toList();
        }

        /** The run's summary document (also {@code validation_summary.json}); keys sorted. */
        public Map<String, Object> json(boolean strict) {
            Map<String, Object> artifacts = new TreeMap<>();
            List<Map<String, Object>> lines = new ArrayList<>();
            for (ArtifactReport r : reports) {
                artifacts.put(r.info().artifact(), r.json());
                Map<String, Object> line = new TreeMap<>();
                line.put("artifact", r.info().artifact());
                line.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
                line.put("line", r.line());
                line.put("gates", r.gates().size());
                line.put("not_covered", r.uncovered());
                lines.add(line);
            }
            Map<String, Object> m = new TreeMap<>();
            m.put("schema", Receipts.SUMMARY_SCHEMA);
            m.put("reference", reference);
            m.put("strict", strict);
            m.put("compared", compared());
            m.put("passed", passed(strict));
            m.put("verdict", verdict(strict));
            m.put("packages", lines);
            m.put("artifacts", artifacts);
            m.put("fixture_comparisons", comparisons());
            m.put("failed_gates", failedGates());
            m.put("receipts", receipts.stream().map(p -> p.getFileName().toString()).toList());
            return m;
        }
    }

    private Validator() {}

    public static Run run(Request request, Consumer<String> log, Progress progress) {
        try (FileDigests digests = new FileDigests()) {
            if (request.checkpoint() != null && Files.isRegularFile(request.checkpoint())) {
                digests.request(request.checkpoint());   // hashes beside the packages' files
            }
            return run(request, log, progress, digests);
        }
    }

    private static Run run(Request request, Consumer<String> log, Progress progress, FileDigests digests) {
        List<PackageInfo> artifacts = ModelsFolder.classify(request.models(), digests);
        ReferenceSet fixtures = request.fixtures() == null ? null : FixtureFolder.read(request.fixtures());
        CheckpointReference checkpoint = request.checkpoint() == null ? null : new CheckpointReference(
                request.checkpoint(), request.seedFixtures(), request.options(), log, progress, digests);
        Provenance.check(artifacts, fixtures, request.fixtures(), checkpoint);
        if (checkpoint != null && fixtures != null && fixtures.unrolled() != null) {
            checkpoint.checkIdentities(fixtures.unrolled(), request.fixtures());
        }
        EndToEndCheck.Plan endToEnd = EndToEndCheck.plan(request, artifacts);
        ReferenceSet ref = reference(request, artifacts, fixtures, checkpoint, endToEnd, log);
        if (checkpoint != null) {
            releaseHeap();
        }
        ReferenceInfo info = new ReferenceInfo(source(request), ref.checkpointName(), ref.checkpointSha256(),
                ref.seed());
        List<PackageInfo> temporal = artifacts.stream().filter(a -> a.kind() == PackageInfo.Kind.TEMPORAL
                || a.kind() == PackageInfo.Kind.TEMPORAL_CARRY).toList();
        // Temporal packages run first: each computes, while loaded, the runs the depth checks compose with
        // (TemporalRuns). Reports and receipts keep the folder's order.
        TemporalRuns runs = new TemporalRuns();
        List<PackageInfo> order = new ArrayList<>(temporal);
        artifacts.stream().filter(a -> !temporal.contains(a)).forEach(order::add);
        ArtifactReport[] byArtifact = new ArtifactReport[artifacts.size()];
        for (PackageInfo a : order) {
            log.accept("validate: " + a.artifact() + " (" + a.kind().name().toLowerCase(java.util.Locale.ROOT) + ", " + a.precision() + ")");
            ArtifactReport report = validate(a, ref, info, artifacts, temporal, runs, endToEnd, request, log,
                    progress);
            byArtifact[artifacts.indexOf(a)] = report;
            if (temporal.contains(a)) {
                releaseHeap();
            }
            report.gates().forEach(g -> log.accept("  " + g.line()));
            report.uncovered().forEach(c -> log.accept("  not covered: " + c.check() + " (" + c.fixture()
                    + (c.note() == null ? "" : ": " + c.note()) + ")"));
            if (report.fp16Headroom() != null) {
                report.fp16Headroom().summaryLines().forEach(l -> log.accept("  " + l));
            }
        }
        List<ArtifactReport> reports = new ArrayList<>(List.of(byArtifact));
        // The whole chain against the reference engine (MODELS.md §11.6): one more report when a chain is present.
        for (ArtifactReport report : EndToEndCheck.run(request, endToEnd, info, log, digests)) {
            reports.add(report);
            report.gates().forEach(g -> log.accept("  " + g.line()));
        }
        return StagedReceipts.write(request.receipts(), reports, info, request.strict(), log);
    }

    /** The fixtures' cases, with what they lack computed from the checkpoint (unless skipped). */
    private static ReferenceSet reference(Request request, List<PackageInfo> artifacts, ReferenceSet fixtures,
                                          CheckpointReference checkpoint, EndToEndCheck.Plan endToEnd,
                                          Consumer<String> log) {
        ReferenceSet ref = fixtures != null ? fixtures
                : new ReferenceSet(null, null, null, null, null, null, null, null, null, null);
        if (fixtures != null) {
            log.accept("validate: reference from " + request.fixtures());
        }
        if (checkpoint == null) {
            return ref;
        }
        Demand need = Checks.demand(artifacts);
        // The codebook table is a slice of the checkpoint, not a computation: checked against it whenever given.
        Demand compute = request.skipReference() ? new Demand(false, false, false, false, false, 0, need.codebooks())
                : need.without(ref).or(new Demand(false, false, false, false, false, 0, need.codebooks()));
        if (!compute.any()) {
            return ref.orElse(new ReferenceSet(checkpoint.path().getFileName().toString(), checkpoint.sha256(),
                    null, null, null, null, null, null, null, null));
        }
        // the end-to-end check's reference frames ride on the weights this loads, when it loads them
        ReferenceSet computed = checkpoint.compute(compute, endToEnd);
        // the checkpoint's codebook slice wins over a stored identity; every other stored case wins over computing
        return new ReferenceSet(ref.checkpointName(), ref.checkpointSha256(), ref.seed(), ref.stream(), ref.unrolled(),
                ref.generated(), ref.arms(), ref.rollouts(), ref.decoder(), computed.codebooks()).orElse(computed);
    }

    /**
     * Hands the heap back after a phase that held large weights (the reference's 900 MB of float32, a temporal
     * package's 730 MB of panels): they sit in the old generation as many small rows, which G1 reclaims only once a
     * concurrent cycle has marked them, so the next phase grows the heap beside them (full size: 1.76 GB committed
     * against about 1.0 GB live). A full collection frees them now and, under the launcher's MaxHeapFreeRatio,
     * uncommits the space.
     */
    private static void releaseHeap() {
        System.gc();
    }

    private static String source(Request request) {
        List<String> parts = new ArrayList<>();
        if (request.fixtures() != null) {
            parts.add("fixtures " + request.fixtures().toAbsolutePath().normalize().getFileName());
        }
        if (request.checkpoint() != null) {
            parts.add("checkpoint " + request.checkpoint().getFileName()
                    + (request.skipReference() || request.fixtures() != null ? " (provenance" + (request.skipReference()
                    ? ", identities and codebook slice only)" : "; computes what the fixtures lack)") : ""));
        }
        return String.join(" + ", parts);
    }

    /** Every check that applies to the artifact: covered ones run, the others are listed. */
    private static ArtifactReport validate(PackageInfo info, ReferenceSet ref, ReferenceInfo reference,
                                           List<PackageInfo> artifacts, List<PackageInfo> temporal, TemporalRuns runs,
                                           EndToEndCheck.Plan endToEnd, Request request, Consumer<String> log,
                                           Progress progress) {
        ValidationOptions options = request.options();
        Findings out = new Findings(info.artifact());
        List<Coverage> coverage = new ArrayList<>();
        List<CaseCheck> checks = Checks.applying(info);
        NonFiniteOp nonFinite;
        try (PackageRun run = new PackageRun(info, options, temporal, runs, progress)) {
            if (checks.isEmpty()) {
                out.results.put("unrecognised", "no comparison knows a package with inputs " + info.inputs().keySet());
                out.gates.add(Gate.exactly(info.artifact(), null, "recognised", 0, 1, "a package no comparison "
                        + "recognises cannot pass (inputs " + info.inputs().keySet() + ")"));
            }
            for (CaseCheck check : checks) {
                Coverage c = check.coverage(ref, info);
                coverage.add(c);
                if (c.covered()) {
                    check.run(run, ref, out);
                }
            }
            nonFinite = run.firstNonFinite();
            if (run.executed()) {
                out.gates.add(Gate.exactly(info.artifact(), null, "non_finite_ops", nonFinite == null ? 0 : 1, 0,
                        "no op output may go non-finite"));
            }
            ArtifactReport report = new ArtifactReport(info, reference, out.results, out.comparisons, out.gates,
                    coverage, nonFinite == null ? null : nonFinite.toString(), run.headroom());
            if (temporal.contains(info)) {
                // after the report: these runs are for other packages' checks, not this package's figures
                List<TemporalRuns.Sequence> wanted = compositions(info, ref, artifacts, temporal);
                if (!wanted.isEmpty()) {
                    MlProgramExecutor exec = run.exec();
                    run.stopWatching();
                    runs.keep(info, exec, wanted);
                }
                if (endToEnd != null && endToEnd.uses(info)) {
                    MlProgramExecutor exec = run.exec();
                    run.stopWatching();
                    for (var chain : endToEnd.generateWith(request.models(), info, exec)) {
                        log.accept("  end to end: the " + chain.name().toLowerCase(java.util.Locale.ROOT)
                                + " chain's frames generated on the loaded " + info.artifact());
                    }
                }
            }
            return report;
        }
    }

    /** The runs of temporal package {@code t} that the covered checks of the other packages compose with. */
    private static List<TemporalRuns.Sequence> compositions(PackageInfo t, ReferenceSet ref,
                                                            List<PackageInfo> artifacts, List<PackageInfo> temporal) {
        List<TemporalRuns.Sequence> wanted = new ArrayList<>();
        for (PackageInfo a : artifacts) {
            if (temporal.contains(a)) {
                continue;
            }
            for (CaseCheck check : Checks.applying(a)) {
                if (check.coverage(ref, a).covered()) {
                    check.compositions(ref, t, temporal).stream().filter(q -> !wanted.contains(q))
                            .forEach(wanted::add);
                }
            }
        }
        return wanted;
    }
}
