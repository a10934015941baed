package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.NonFiniteOp;
import dev.mrt2.validate.headroom.HeadroomRecorder;
import dev.mrt2.validate.metrics.Comparison;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code mrt2 validate}: runs every package of a folder on the executor and compares it with the reference computed
 * from the checkpoint (or stored by {@code mrt2 fixtures generate}), applies the gates of issue #5 and writes one
 * receipt pair per package.
 * <ul>
 *   <li>temporal: {@code steps} streaming steps from fresh states, per step and overall; gates: finite ratio 1,
 *       correlation >= 0.9999;</li>
 *   <li>depth logits: token mismatches per sampling arm over {@code frames} frames, alone and composed with the
 *       temporal package; gate for FP32: 0 mismatches (composed too when the temporal package is FP32);</li>
 *   <li>decoder: SNR, LSD, finite ratio; gates: finite ratio 1, SNR >= 100 dB for FP32, >= 40 dB for FP16;</li>
 *   <li>carry temporal step and depth rollouts (corrected generation): see {@link CorrectedChecks};</li>
 *   <li>every package: no op output went non-finite.</li>
 * </ul>
 */
public final class Validator {
    /**
     * @param models       folder holding the {@code .mlpackage}s
     * @param checkpoint   the checkpoint (may be null with fixtures)
     * @param fixtures     {@code mrt2 fixtures generate}'s folder for --skip-reference, or null to compute
     * @param receipts     where the receipts go
     * @param seedFixtures the seed-fixtures folder, or null to generate every input
     */
    public record Request(Path models, Path checkpoint, Path fixtures, Path receipts, Path seedFixtures,
                          ValidationOptions options) {}

    /** Every package's report and the receipt files written. */
    public record Run(List<ArtifactReport> reports, List<Path> receipts) {
        public boolean passed() {
            return reports.stream().allMatch(ArtifactReport::passed);
        }

        public List<Gate> failedGates() {
            return reports.stream().flatMap(r -> r.failedGates().stream()).toList();
        }
    }

    private Validator() {}

    public static Run run(Request request, Consumer<String> log) {
        Map<Path, PackageInfo> packages = classify(request.models());
        ReferenceSet ref = reference(request, packages, log);
        String referenceSource = request.fixtures() != null ? "fixtures" : "checkpoint";
        Path temporalPath = first(packages, PackageInfo.Kind.TEMPORAL);
        List<RolloutReference.Arm> rollout = rolloutReference(request, packages, log);
        List<ArtifactReport> reports = new ArrayList<>();
        List<Path> receipts = new ArrayList<>();
        for (Map.Entry<Path, PackageInfo> p : packages.entrySet()) {
            PackageInfo info = p.getValue();
            log.accept("validate: " + info.artifact() + " (" + info.kind().name().toLowerCase(Locale.ROOT) + ", "
                    + info.precision() + ")");
            ArtifactReport report = validate(p.getKey(), info, ref, rollout, referenceSource, temporalPath,
                    temporalPath == null ? null : packages.get(temporalPath), request.options());
            reports.add(report);
            receipts.addAll(Receipts.write(request.receipts(), report));
            for (Gate g : report.gates()) {
                log.accept("  " + g.line());
            }
            if (report.fp16Headroom() != null) {
                report.fp16Headroom().summaryLines().forEach(l -> log.accept("  " + l));
            }
        }
        return new Run(reports, receipts);
    }

    private static ArtifactReport validate(Path pkg, PackageInfo info, ReferenceSet ref,
                                           List<RolloutReference.Arm> rollout, String referenceSource,
                                           Path temporalPath, PackageInfo temporalInfo, ValidationOptions options) {
        Map<String, Object> results = new TreeMap<>();
        List<Gate> gates = new ArrayList<>();
        String a = info.artifact();
        String packageSource;
        NonFiniteOp nonFinite;
        // Only this package's executor is watched: a temporal package composed into the depth check is not.
        HeadroomRecorder headroom = info.fp16() && info.kind() != PackageInfo.Kind.UNKNOWN
                ? new HeadroomRecorder() : null;
        try (MlProgramExecutor exec = MlProgramExecutor.load(pkg)) {
            if (headroom != null) {
                exec.addObserver(headroom);
            }
            packageSource = exec.model().description().metadata().userDefined().get("mrt2.source_checkpoint_sha256");
            switch (info.kind()) {
                case TEMPORAL -> {
                    TemporalCheck.Result r = new TemporalCheck(exec, a).run(require(ref.temporal(), "temporal", a));
                    results.put("temporal", r.json());
                    results.put("inputs", ref.temporal().provenance());
                    gates.add(Gate.exactly(a, "temporal.overall.finite_ratio", r.overall().finiteRatio(), 1));
                    gates.add(Gate.atLeast(a, "temporal.overall.correlation", r.overall().correlationOrNaN(),
                            options.minTemporalCorrelation()));
                }
                case TEMPORAL_CARRY -> CorrectedChecks.carry(exec, info, require(ref.temporal(), "temporal", a),
                        options, results, gates);
                case DEPTH_LOGITS -> tokens(exec, info, ref, temporalPath, temporalInfo, results, gates);
                case DEPTH_ROLLOUT -> CorrectedChecks.rollout(exec, info, rollout, results, gates);
                case DECODER -> {
                    Comparison c = new DecoderCheck(exec, a).run(require(ref.decoder(), "decoder", a));
                    results.put("decoder", c);
                    results.put("inputs", ref.decoder().provenance());
                    gates.add(Gate.exactly(a, "decoder.finite_ratio", c.finiteRatio(), 1));
                    gates.add(Gate.atLeast(a, "decoder.snr_db", c.snrDb(),
                            info.fp16() ? DecoderCheck.FP16_MIN_SNR_DB : options.minDecoderSnrDb()));
                }
                case UNKNOWN -> results.put("skipped", "no known input contract (inputs "
                        + exec.inputs().stream().map(f -> f.name()).toList() + ")");
            }
            nonFinite = exec.firstNonFinite().orElse(null);
        }
        if (info.kind() != PackageInfo.Kind.UNKNOWN) {
            gates.add(Gate.exactly(a, "non_finite_ops", nonFinite == null ? 0 : 1, 0));
        }
        return new ArtifactReport(info, ref.checkpointName(), ref.checkpointSha256(), packageSource, ref.seed(),
                referenceSource, results, gates, nonFinite == null ? null : nonFinite.toString(),
                headroom == null ? null : headroom.report());
    }

    /** The depth package per arm, alone and (with a temporal package) composed. */
    private static void tokens(MlProgramExecutor depth, PackageInfo info, ReferenceSet ref, Path temporalPath,
                               PackageInfo temporalInfo, Map<String, Object> results, List<Gate> gates) {
        String a = info.artifact();
        if (ref.arms().isEmpty()) {
            throw new BadInputException(a + ": the reference has no sampling arms to compare tokens with");
        }
        TokenCheck check = new TokenCheck(depth, a);
        Map<String, Object> arms = new TreeMap<>();
        try (MlProgramExecutor temporal = temporalPath == null ? null : MlProgramExecutor.load(temporalPath)) {
            TemporalCheck composed = temporal == null ? null : new TemporalCheck(temporal, temporalInfo.artifact());
            for (ReferenceSet.TokenArm arm : ref.arms()) {
                TokenCheck.ArmResult r = check.run(arm, composed);
                arms.put(arm.name(), r.json());
                if (!info.fp16()) {
                    gates.add(Gate.exactly(a, "tokens." + arm.name() + ".depth.token_mismatches",
                            r.depth().tokenMismatches(), 0));
                    if (r.temporalPlusDepth() != null && !temporalInfo.fp16()) {
                        gates.add(Gate.exactly(a, "tokens." + arm.name() + ".temporal_plus_depth.token_mismatches",
                                r.temporalPlusDepth().tokenMismatches(), 0));
                    }
                }
            }
            if (temporal != null) {
                results.put("temporal_package", temporalInfo.artifact());
            }
        }
        results.put("tokens", arms);
    }

    /** The reference: stored fixtures, or computed from the checkpoint for the kinds present. */
    private static ReferenceSet reference(Request request, Map<Path, PackageInfo> packages, Consumer<String> log) {
        if (request.fixtures() != null) {
            log.accept("validate: reference from " + request.fixtures());
            return ReferenceFixtures.read(request.fixtures());
        }
        if (request.checkpoint() == null) {
            throw new IllegalArgumentException("need --checkpoint (or --skip-reference with --fixtures)");
        }
        boolean temporal = packages.values().stream().anyMatch(p -> p.kind() == PackageInfo.Kind.TEMPORAL
                || p.kind() == PackageInfo.Kind.TEMPORAL_CARRY);
        boolean tokens = packages.values().stream().anyMatch(p -> p.kind() == PackageInfo.Kind.DEPTH_LOGITS);
        int decoderFrames = 0;
        Path decoder = first(packages, PackageInfo.Kind.DECODER);
        if (decoder != null) {
            try (MlPackage pkg = MlPackageReader.read(decoder)) {
                decoderFrames = DecoderCheck.frames(pkg.model(), packages.get(decoder).artifact());
            }
        }
        return compute(request.checkpoint(), request.seedFixtures(), request.options(), temporal, tokens,
                decoderFrames, log);
    }

    /** Computes the reference sections asked for ({@code decoderFrames} 0 = no decoder). */
    public static ReferenceSet compute(Path checkpoint, Path seedFixtures, ValidationOptions options,
                                       boolean temporal, boolean tokens, int decoderFrames, Consumer<String> log) {
        log.accept("reference: hashing " + checkpoint.getFileName());
        String sha = Digests.sha256(checkpoint);
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
            InputFactory inputs = new InputFactory(dims, options.seed(), seedFixtures);
            return new ReferenceComputer(file, dims, options, inputs, log).compute(sha, temporal, tokens,
                    decoderFrames);
        }
    }

    /** The rollout arms when the folder holds a rollout package and a checkpoint is given, else null. */
    private static List<RolloutReference.Arm> rolloutReference(Request request, Map<Path, PackageInfo> packages,
                                                               Consumer<String> log) {
        if (request.checkpoint() == null || first(packages, PackageInfo.Kind.DEPTH_ROLLOUT) == null) {
            return null;
        }
        try (SafetensorsFile file = SafetensorsFile.open(request.checkpoint())) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
            InputFactory inputs = new InputFactory(dims, request.options().seed(), request.seedFixtures());
            return RolloutReference.compute(file, dims, inputs, request.options(), log);
        }
    }

    /** Every {@code *.mlpackage} of the folder, sorted by name, with its kind and precision. */
    static Map<Path, PackageInfo> classify(Path models) {
        if (!Files.isDirectory(models)) {
            throw new BadInputException(models + ": no such folder");
        }
        List<Path> found;
        try (Stream<Path> list = Files.list(models)) {
            found = list.filter(p -> p.getFileName().toString().endsWith(".mlpackage") && Files.isDirectory(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(models + ": cannot list: " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new BadInputException(models + ": no .mlpackage to validate");
        }
        Map<Path, PackageInfo> out = new LinkedHashMap<>();
        for (Path p : found) {
            // The reader alone: no execution plan, weights stay mapped and undecoded.
            try (MlPackage pkg = MlPackageReader.read(p)) {
                out.put(p, PackageInfo.of(p, pkg.model()));
            }
        }
        return out;
    }

    private static Path first(Map<Path, PackageInfo> packages, PackageInfo.Kind kind) {
        return packages.entrySet().stream().filter(e -> e.getValue().kind() == kind).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    private static <T> T require(T section, String name, String artifact) {
        if (section == null) {
            throw new BadInputException(artifact + ": the reference has no " + name + " section");
        }
        return section;
    }
}
