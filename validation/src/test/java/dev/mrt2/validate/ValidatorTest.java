package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.convert.DecoderConverter;
import dev.mrt2.convert.DepthConverter;
import dev.mrt2.convert.PackageConverter;
import dev.mrt2.convert.PackageExporter;
import dev.mrt2.convert.TemporalConverter;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.mil.pkg.MlPackageBuilder;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.SafetensorsWriter;
import dev.mrt2.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mrt2 validate} end to end on the tiny checkpoint: the default convert output passes against the checkpoint
 * and against both fixture formats with the same figures; a damaged package fails the figure that should catch it;
 * fixtures of another checkpoint stop the run up front; uncovered and unrecognised packages never pass.
 */
class ValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path checkpoint;
    static String sha;
    static Path models;
    static Path fixtures;
    static Path seedFormat;
    static ReferenceSet reference;
    static final Mrt2Dims DIMS = Mrt2Dims.tiny();
    /** Small but past the wrap: 42 steps, 3 frames per arm, 2-frame decoder chunks. */
    static final ValidationOptions OPTIONS = ValidationOptions.defaults().withSteps(42).withFrames(3)
            .withDecoderFrames(2);
    static final List<String> ARTIFACTS = List.of("MRT2DepthBody", "MRT2DepthBodyRollout.f16",
            "MRT2DepthBodyRollout.f32", "MRT2TemporalBody", "MRT2TemporalBodyCarry.f32", "MRT2TemporalBodyCarry",
            "SpectroStreamDecoder.f16", "SpectroStreamDecoder", "SpectroStreamRVQCodebooks.f32");

    @BeforeAll
    static void convert() {
        checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, DIMS, 7, 1);
        sha = Digests.sha256(checkpoint);
        models = tmp.resolve("models");
        ConvertService.run(checkpoint, models, ConversionPieces.all(), 2, s -> { });
        reference = TestRuns.compute(checkpoint, OPTIONS, Demand.all(2));
        fixtures = tmp.resolve("fixtures");
        FixtureWriter.write(reference, fixtures, FixtureWriter.Format.MRT2);
        seedFormat = tmp.resolve("seed_format");
        FixtureWriter.write(reference, seedFormat, FixtureWriter.Format.SEED);
    }

    /**
     * A temporal run kept for the depth checks, computed on an executor that has already stepped other inputs (as
     * after the package's own checks), is what a fresh load computes, bit for bit; it is handed out again, not
     * recomputed; inputs that are equal but not the same arrays are another sequence.
     */
    @Test
    void keptTemporalRunsEqualFreshOnesAndAreReused() {
        ReferenceSet.Unrolled u = reference.unrolled();
        TemporalRuns.Sequence s = new TemporalRuns.Sequence(u.temporalInputs(), u.sources());
        for (String name : List.of("MRT2TemporalBody", "MRT2TemporalBodyCarry")) {
            PackageInfo t = ModelsFolder.classify(models).stream().filter(a -> a.artifact().equals(name))
                    .findFirst().orElseThrow();
            TemporalRuns runs = new TemporalRuns();
            float[][] fresh = runs.outputs(t, s);
            try (MlProgramExecutor exec = MlProgramExecutor.load(t.path())) {
                float[][] reversed = u.temporalInputs().clone();
                java.util.Collections.reverse(java.util.Arrays.asList(reversed));
                TemporalStepper.of(exec, t).run(reversed, u.sources());   // leaves its caches behind
                runs.keep(t, exec, List.of(s));
            }
            float[][] kept = runs.outputs(t, s);
            assertSame(kept, runs.outputs(t, s), name + ": kept, not recomputed");
            for (int f = 0; f < fresh.length; f++) {
                assertArrayEquals(fresh[f], kept[f], name + " frame " + f + ": kept run vs fresh load");
            }
            float[][] copy = java.util.Arrays.stream(u.temporalInputs()).map(float[]::clone).toArray(float[][]::new);
            assertNotSame(kept, runs.outputs(t, new TemporalRuns.Sequence(copy, u.sources())), name);
        }
    }

    @Test
    void theDefaultOutputPassesAgainstTheCheckpointAndBothFixtureFormatsWithTheSameFigures() throws IOException {
        Validator.Run live = TestRuns.live(models, checkpoint, tmp.resolve("live"), OPTIONS);
        assertTrue(live.passed(true), () -> "failed: " + live.verdict(true));
        // with the checkpoint, the complete chains in the folder are also rendered end to end against the reference
        List<String> withChain = new ArrayList<>(ARTIFACTS);
        withChain.add(EndToEndCheck.ARTIFACT);
        assertEquals(withChain, live.reports().stream().map(r -> r.info().artifact()).toList());
        assertTrue(live.reports().stream().allMatch(r -> r.uncovered().isEmpty()), "every check covered");

        Validator.Run stored = TestRuns.stored(models, fixtures, tmp.resolve("stored"), OPTIONS);
        assertTrue(stored.passed(true), () -> "failed: " + stored.verdict(true));
        assertEquals(rows(live.comparisons()), rows(stored.comparisons()));
        for (int i = 0; i < ARTIFACTS.size(); i++) {
            assertEquals(live.reports().get(i).gates(), stored.reports().get(i).gates(), ARTIFACTS.get(i));
        }

        // the published formats hold the stream and the unrolled case: the same rows, the rest not covered
        Validator.Run seed = TestRuns.stored(models, seedFormat, tmp.resolve("seed"), OPTIONS);
        assertTrue(seed.passed(false), () -> "failed: " + seed.verdict(false));
        Set<String> published = Set.of(FixtureFiles.stream(42), FixtureFiles.UNROLLED);
        assertEquals(rows(live.comparisons().stream().filter(c -> published.contains(c.fixture())).toList()),
                rows(seed.comparisons()));
        assertEquals(List.of("MRT2DepthBodyRollout.f16", "MRT2DepthBodyRollout.f32", "SpectroStreamDecoder.f16",
                "SpectroStreamDecoder", "SpectroStreamRVQCodebooks.f32"),
                seed.notCovered().stream().map(r -> r.info().artifact()).toList());
        assertFalse(seed.passed(true), "--strict fails uncovered packages");
        assertTrue(seed.verdict(true).startsWith("--strict: 5 artifact(s) not covered by fixtures seed_format: "),
                seed.verdict(true));
        ArtifactReport depth = seed.reports().get(0);
        assertEquals(ArtifactReport.Status.PASSED, depth.status());
        assertEquals(List.of("depth token arms"), depth.uncovered().stream().map(Coverage::check).toList());
        assertTrue(seed.reports().get(1).line().startsWith("MRT2DepthBodyRollout.f16: not covered by this reference "
                + "(rollout_<arm>.npz would cover the depth rollout arms"), seed.reports().get(1).line());
    }

    @Test
    void receiptsCarryTheFixtureComparisonsWithStableKeys() throws IOException {
        Path receipts = tmp.resolve("receipts");
        TestRuns.stored(models, seedFormat, receipts, OPTIONS);
        JsonNode temporal = JSON.readTree(receipts.resolve("MRT2TemporalBody_validation.json").toFile());
        assertEquals(ArtifactReport.SCHEMA, temporal.get("schema").asText());
        assertEquals("passed", temporal.get("status").asText());
        assertEquals(sha, temporal.at("/reference/checkpoint_sha256").asText());
        assertEquals(sha, temporal.get("package_source_checkpoint_sha256").asText());
        JsonNode rows = temporal.get("fixture_comparisons");
        assertEquals(2, rows.size());
        JsonNode stream = rows.get(0);
        assertEquals(List.of("array", "correlation", "finite_ratio", "fixture", "max_abs_error", "mean_abs_error",
                "package", "per_step", "snr_db"), fieldNames(stream));
        assertEquals("temporal_streaming_carry_42.npz", stream.get("fixture").asText());
        assertEquals("reference_outputs", stream.get("array").asText());
        assertEquals(42, stream.get("per_step").size());
        assertTrue(stream.get("correlation").asDouble() >= 0.999);
        assertEquals("temporal_outputs_mlx", rows.get(1).get("array").asText());

        JsonNode depth = JSON.readTree(receipts.resolve("MRT2DepthBody_validation.json").toFile())
                .get("fixture_comparisons");
        assertEquals(4, depth.size(), "fixture temporal, then each temporal package");
        assertEquals(List.of("array", "correlation", "finite_ratio", "fixture", "max_abs_error", "mean_abs_error",
                "package", "snr_db", "temporal_source", "token_mismatches", "total_tokens"), fieldNames(depth.get(0)));
        assertEquals("fixture", depth.get(0).get("temporal_source").asText());
        assertEquals("package", depth.get(1).get("temporal_source").asText());
        assertEquals("MRT2TemporalBody", depth.get(1).get("temporal_package").asText());
        assertEquals(24, depth.get(0).get("total_tokens").asInt(), "2 frames x 12 levels");
        assertEquals(0, depth.get(0).get("token_mismatches").asInt());

        JsonNode summary = JSON.readTree(Receipts.writeSummary(receipts, TestRuns.stored(models, seedFormat, receipts,
                OPTIONS), false).get(0).toFile());
        assertEquals(4 + 3 * 2, summary.get("fixture_comparisons").size(), "depth rows, then 2 per temporal package");
        assertTrue(summary.get("passed").asBoolean());
        String md = Files.readString(receipts.resolve("MRT2TemporalBody_validation.md"));
        assertTrue(md.contains("- temporal_streaming_carry_42.npz reference_outputs vs MRT2TemporalBody: correlation "
                + figure(stream.get("correlation").asDouble())), md);
    }

    @Test
    void fixturesRoundTripExactlyAndRewriteToTheSameBytes() throws IOException {
        ReferenceSet back = FixtureFolder.read(fixtures);
        assertEquals(sha, back.checkpointSha256());
        assertEquals(OPTIONS.seed(), back.seed());
        assertArrayEquals(reference.stream().outputs()[41], back.stream().outputs()[41]);
        assertArrayEquals(reference.unrolled().depthLogits()[1][11], back.unrolled().depthLogits()[1][11]);
        assertArrayEquals(reference.unrolled().prefix()[1][10], back.unrolled().prefix()[1][10]);
        assertArrayEquals(reference.generated().ids()[2], back.generated().ids()[2]);
        assertEquals(List.of("argmax", "noise_t13"), back.arms().stream().map(ReferenceSet.TokenArm::name).toList());
        assertEquals(1.3f, back.arms().get(1).temperature());
        assertArrayEquals(reference.arms().get(1).gumbel()[2][11], back.arms().get(1).gumbel()[2][11]);
        assertEquals(List.of("argmax_frames", "noise_frames_t10", "noise_frames_t13"),
                back.rollouts().stream().map(a -> a.spec().name()).toList());
        assertArrayEquals(reference.rollouts().get(2).scores()[1][5], back.rollouts().get(2).scores()[1][5]);
        assertEquals(reference.rollouts().get(2).spec(), back.rollouts().get(2).spec());
        assertArrayEquals(reference.decoder().stft().floats(), back.decoder().stft().floats());
        assertEquals(reference.codebooks(), back.codebooks().withOrigin(reference.codebooks().origin()));
        // the unrolled case is the first two frames of the generated tokens' arm
        assertArrayEquals(back.generated().ids()[1], back.unrolled().tokens()[1]);
        for (FixtureWriter.Format format : FixtureWriter.Format.values()) {
            Path first = format == FixtureWriter.Format.MRT2 ? fixtures : seedFormat;
            Path again = tmp.resolve("again_" + format);
            FixtureWriter.write(FixtureFolder.read(first), again, format);
            try (var files = Files.list(first)) {
                for (Path f : files.sorted().toList()) {
                    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(again.resolve(f.getFileName())),
                            f.toString());
                }
            }
        }
    }

    @Test
    void aDamagedTemporalPackageFailsTheStreamCorrelation() {
        // layer 0's self-attention output kernel [D, H, h] read as the square [D, H*h] and transposed
        String key = Mrt2Keys.temporal(0, Mrt2Keys.outputProjection(Mrt2Keys.SELF));
        Path broken = damaged("transposed", List.of(key), (info, v) -> {
            int n = (int) Math.sqrt(v.length);
            float[] t = new float[v.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    t[j * n + i] = v[i * n + j];
                }
            }
            return t;
        }, TemporalConverter::new);
        Validator.Run run = TestRuns.stored(broken, fixtures, tmp.resolve("transposed_receipts"), OPTIONS);
        assertFalse(run.passed(false));
        List<String> failed = run.failedGates().stream().map(Gate::figure).toList();
        assertTrue(failed.contains("stream.correlation"), failed::toString);
        assertTrue(failed.contains("unrolled.temporal.correlation"), failed::toString);
        assertTrue(run.verdict(false).contains("MRT2TemporalBody: stream."), run.verdict(false));
        assertTrue(run.reports().get(0).line().startsWith("MRT2TemporalBody: FAILED: stream."),
                run.reports().get(0).line());
    }

    @Test
    void oneChangedDepthWeightBreaksTokenExactness() {
        // one logits-bias entry (level 0, code 5) raised far above every other: every frame samples code 5
        Path broken = damaged("bias", List.of(Mrt2Keys.depth("to_logits/bias")), (info, v) -> {
            float[] c = v.clone();
            c[6 + 5] += 1000;
            return c;
        }, DepthConverter::new);
        Validator.Run run = TestRuns.stored(broken, fixtures, tmp.resolve("bias_receipts"), OPTIONS);
        List<String> failed = run.failedGates().stream().map(Gate::figure).toList();
        assertTrue(failed.containsAll(List.of("unrolled.depth.token_mismatches", "unrolled.depth.correlation",
                "tokens.argmax.depth.token_mismatches", "tokens.noise_t13.depth.token_mismatches")), failed::toString);
    }

    @Test
    void anOverflowingDecoderFailsTheFiniteGateAndNamesTheOp() {
        // decoder_4 and decoder_5 transposed kernels x 1e30: activations reach 1e60, past float32's 3.4e38
        Path broken = damaged("overflow", List.of(Mrt2Keys.codec("decoder_4/conv2dtranspose_3x6", "kernel"),
                Mrt2Keys.codec("decoder_5/conv2dtranspose_3x4", "kernel")), (info, v) -> {
                    float[] c = v.clone();
                    for (int i = 0; i < c.length; i++) {
                        c[i] *= 1e30f;
                    }
                    return c;
                }, dims -> new DecoderConverter(dims, 2));
        Validator.Run run = TestRuns.stored(broken, fixtures, tmp.resolve("overflow_receipts"), OPTIONS);
        ArtifactReport report = run.reports().get(0);
        assertEquals(ArtifactReport.Status.FAILED, report.status());
        List<String> failed = report.failedGates().stream().map(Gate::figure).toList();
        assertTrue(failed.containsAll(List.of("decoder.finite_ratio", "non_finite_ops")), failed::toString);
        assertNotNull(report.firstNonFinite());
        assertTrue(report.firstNonFinite().contains("decoder_5"), report.firstNonFinite());
    }

    @Test
    void aChangedCodebookByteFailsTheSha256GateAgainstCheckpointAndFixturesAlike() throws IOException {
        Path folder = tmp.resolve("codebooks");
        Files.createDirectories(folder);
        for (String name : List.of("SpectroStreamRVQCodebooks.f32.bin", "SpectroStreamRVQCodebooks.f32.json")) {
            Files.copy(models.resolve(name), folder.resolve(name));
        }
        byte[] bytes = Files.readAllBytes(folder.resolve("SpectroStreamRVQCodebooks.f32.bin"));
        bytes[100] ^= 1;
        Files.write(folder.resolve("SpectroStreamRVQCodebooks.f32.bin"), bytes);
        for (Validator.Run run : List.of(TestRuns.stored(folder, fixtures, tmp.resolve("cb1"), OPTIONS),
                TestRuns.validate(folder, checkpoint, fixtures, true, tmp.resolve("cb2"), OPTIONS))) {
            assertEquals(List.of("codebooks.sha256_match"), run.failedGates().stream().map(Gate::figure).toList());
        }
    }

    @Test
    void fixturesOfAnotherCheckpointStopBeforeAnythingRuns() throws IOException {
        Path other = tmp.resolve("other.safetensors");
        Mrt2Synth.write(other, DIMS, 8, 1);
        String otherSha = Digests.sha256(other);
        Path otherFixtures = TestRuns.fixtures(other, OPTIONS, Demand.published(), tmp.resolve("other_fixtures"),
                FixtureWriter.Format.SEED);
        ProvenanceException byManifest = assertThrows(ProvenanceException.class,
                () -> TestRuns.stored(models, otherFixtures, tmp.resolve("never"), OPTIONS));
        assertTrue(byManifest.getMessage().contains(sha) && byManifest.getMessage().contains(otherSha),
                byManifest.getMessage());
        assertFalse(Files.exists(tmp.resolve("never")));

        // without our manifest (like the port's set), the §3.1 identities against --checkpoint name the mismatch
        Files.delete(otherFixtures.resolve(FixtureFiles.MANIFEST));
        ProvenanceException byIdentity = assertThrows(ProvenanceException.class,
                () -> TestRuns.validate(models, checkpoint, otherFixtures, true, tmp.resolve("never"), OPTIONS));
        assertEquals(otherFixtures.resolve(FixtureFiles.UNROLLED) + ": made from another checkpoint than "
                + "tiny.safetensors (mrt2-model.md §3.1: temporal_inputs[0, 0] vs 32 Emb[0] differ by up to "
                + byIdentity.getMessage().replaceAll(".*differ by up to ", ""), byIdentity.getMessage());
        // and the same folder from our own checkpoint passes the identities
        Path ours = TestRuns.fixtures(checkpoint, OPTIONS, Demand.published(), tmp.resolve("ours_no_manifest"),
                FixtureWriter.Format.SEED);
        Files.delete(ours.resolve(FixtureFiles.MANIFEST));
        Validator.Run run = TestRuns.validate(models, checkpoint, ours, true, tmp.resolve("identities"), OPTIONS);
        assertTrue(run.passed(false), () -> run.verdict(false));
    }

    @Test
    void anUnrecognisedPackageFailsAndNothingComparedIsNoPass() throws IOException {
        Path folder = tmp.resolve("unknown");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(folder.resolve("Adder.mlpackage"), Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            TensorType t = TensorType.of(DataType.FLOAT32, 1, 4);
            Var x = b.input("x", t);
            b.output("y", b.add("y", x, b.constant("c", t, new float[] {1, 2, 3, 4})));
            pkg.commit(b.build(Metadata.empty()));
        }
        Validator.Run run = TestRuns.stored(folder, fixtures, tmp.resolve("unknown_receipts"), OPTIONS);
        ArtifactReport report = run.reports().get(0);
        assertEquals(ArtifactReport.Status.FAILED, report.status());
        assertEquals("recognised", report.failedGates().get(0).figure());
        assertFalse(run.passed(false));

        // a folder holding only what the reference cannot cover: nothing compared, no pass
        Path decoderOnly = tmp.resolve("decoder_only");
        Files.createDirectories(decoderOnly);
        copyTree(models.resolve("SpectroStreamDecoder.mlpackage"), decoderOnly.resolve("SpectroStreamDecoder.mlpackage"));
        Validator.Run none = TestRuns.stored(decoderOnly, seedFormat, tmp.resolve("none_receipts"), OPTIONS);
        assertFalse(none.compared());
        assertFalse(none.passed(false));
        assertEquals("nothing was compared: no artifact is covered by fixtures seed_format", none.verdict(false));
        assertNull(none.reports().get(0).firstNonFinite());
    }

    @Test
    void badFixtureFilesAreNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty_fixtures"));
        assertTrue(assertThrows(dev.mrt2.io.BadInputException.class, () -> FixtureFolder.read(empty)).getMessage()
                .startsWith(empty + ": no fixture file recognised"));
        Path cut = Files.createDirectories(tmp.resolve("cut_fixtures"));
        byte[] npz = Files.readAllBytes(seedFormat.resolve(FixtureFiles.UNROLLED));
        Files.write(cut.resolve(FixtureFiles.UNROLLED), java.util.Arrays.copyOf(npz, npz.length / 2));
        assertTrue(assertThrows(dev.mrt2.io.BadInputException.class, () -> FixtureFolder.read(cut)).getMessage()
                .startsWith(cut.resolve(FixtureFiles.UNROLLED).toString()));
        Path missing = tmp.resolve("nothing_here");
        assertEquals(missing + ": no such folder", assertThrows(dev.mrt2.io.BadInputException.class,
                () -> ModelsFolder.classify(missing)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> OPTIONS.withSteps(41));
    }

    /**
     * Receipts are one transaction: a run that stops after some packages ran (here a decoder whose weights are cut
     * short, read after the depth package has passed) leaves an earlier run's receipts exactly as they were, with
     * no staging folder beside them; a bad fixture stops before anything runs, likewise.
     */
    @Test
    void aRunThatStopsLeavesEarlierReceiptsAsTheyWere() throws IOException {
        Path folder = tmp.resolve("two_packages");
        for (String p : List.of("MRT2DepthBody.mlpackage", "SpectroStreamDecoder.mlpackage")) {
            copyTree(models.resolve(p), folder.resolve(p));
        }
        Path receipts = tmp.resolve("kept");
        // the earlier run compared fewer cases, so the depth receipt this run would write differs from it
        assertTrue(TestRuns.stored(folder, seedFormat, receipts, OPTIONS).passed(false));
        java.util.Map<String, String> before = snapshot(receipts);
        assertTrue(before.containsKey(Receipts.SUMMARY + ".json") && before.containsKey("MRT2DepthBody_validation.json"),
                before.keySet()::toString);

        Path full = tmp.resolve("kept_full");
        TestRuns.stored(folder, fixtures, full, OPTIONS);
        assertFalse(before.get("MRT2DepthBody_validation.json").equals(snapshot(full)
                .get("MRT2DepthBody_validation.json")), "the run below would write another depth receipt");

        Path weights = folder.resolve("SpectroStreamDecoder.mlpackage/Data/com.apple.CoreML/weights/weight.bin");
        byte[] w = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(w, w.length / 2));
        Files.writeString(receipts.resolve("notes.txt"), "mine");
        before = snapshot(receipts);
        RuntimeException stopped = assertThrows(RuntimeException.class,
                () -> TestRuns.stored(folder, fixtures, receipts, OPTIONS));
        assertTrue(stopped.getMessage().contains("SpectroStreamDecoder.mlpackage"), stopped.getMessage());
        assertEquals(before, snapshot(receipts), "receipts of the depth package written before the decoder failed");

        Path badStft = FixtureDamage.member(fixtures, tmp.resolve("bad_stft"), FixtureFiles.DECODER,
                DecoderCheck.OUTPUT, a -> FixtureDamage.cut(a, 1));
        dev.mrt2.io.BadInputException e = assertThrows(dev.mrt2.io.BadInputException.class,
                () -> TestRuns.stored(models, badStft, receipts, OPTIONS));
        assertTrue(e.getMessage().startsWith(badStft.resolve(FixtureFiles.DECODER) + ": member 'decoder_stft.npy': is "
                + "f32[1, 3, 480, 4], expected f32[1, 4, 480, 4]"), e.getMessage());
        assertEquals(before, snapshot(receipts));
        assertEquals(List.of(".kept.mrt2-lock", "kept"), beside(receipts), "no staging folder left beside them");
    }

    /**
     * A fixture folder consistent as a whole but of other widths than the package is another model size (not
     * covered) only while nothing says otherwise: when its manifest names the checkpoint the package was converted
     * from, the width that differs is a damaged file.
     */
    @Test
    void otherWidthsAreAnotherModelOnlyWhenTheFixturesNameNoCommonCheckpoint() throws IOException {
        Path folder = tmp.resolve("decoder_alone");
        copyTree(models.resolve("SpectroStreamDecoder.mlpackage"), folder.resolve("SpectroStreamDecoder.mlpackage"));
        Path narrow = Files.createDirectories(tmp.resolve("narrow_decoder"));
        java.util.Map<String, dev.mrt2.tensor.NdArray> npz = new java.util.TreeMap<>(
                dev.mrt2.tensor.Npz.read(fixtures.resolve(FixtureFiles.DECODER)));
        npz.put("decoder_embeddings", FixtureDamage.cut(npz.get("decoder_embeddings"), false));
        dev.mrt2.tensor.Npz.write(narrow.resolve(FixtureFiles.DECODER), npz);

        Validator.Run run = TestRuns.stored(folder, narrow, tmp.resolve("narrow_receipts"), OPTIONS);
        assertEquals(ArtifactReport.Status.NOT_COVERED, run.reports().get(0).status());
        assertTrue(run.reports().get(0).line().contains("decoder.npz has rows of width 15; the package's "
                + "decoder_embeddings takes 16 (fixtures for another model size)"), run.reports().get(0).line());

        new FixtureManifest("tiny.safetensors", sha, 0, new java.util.TreeMap<>(java.util.Map.of(FixtureFiles.DECODER,
                "as stored")), null).write(narrow);
        dev.mrt2.io.BadInputException e = assertThrows(dev.mrt2.io.BadInputException.class,
                () -> TestRuns.stored(folder, narrow, tmp.resolve("never_narrow"), OPTIONS));
        assertEquals("decoder.npz: member 'decoder_embeddings' is 15 wide, but SpectroStreamDecoder's "
                + "decoder_embeddings takes 16 and both were made from checkpoint sha256 " + sha + ": the fixture "
                + "file (or the package) is damaged", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("never_narrow")));
    }

    /** Every file under {@code dir} with its sha256. */
    private static java.util.Map<String, String> snapshot(Path dir) throws IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Digests.sha256(p));
            }
        }
        return out;
    }

    /** The names beside {@code dir} that start with its name or its hidden siblings'. */
    private static List<String> beside(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        try (var files = Files.list(dir.getParent())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.equals(name) || n.startsWith("." + name + ".")).sorted().toList();
        }
    }

    /** The rows as JSON trees, so doubles compare bit for bit and NaN equals NaN. */
    private static List<JsonNode> rows(List<FixtureComparison> rows) {
        List<JsonNode> out = new ArrayList<>();
        rows.forEach(r -> out.add(JSON.valueToTree(r)));
        return out;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.stream().filter(n -> !n.equals("temporal_package")).toList();
    }

    private static String figure(double v) {
        return dev.mrt2.validate.metrics.Figures.format(v);
    }

    /**
     * A package converted from a copy of the checkpoint with some tensors changed, whose metadata still names the
     * original checkpoint (as a corrupted or tampered package would): provenance passes, the figures must not.
     */
    static Path damaged(String name, List<String> keys, BiFunction<TensorInfo, float[], float[]> change,
                        Function<Mrt2Dims, PackageConverter<?>> converter) {
        Path ckpt = tmp.resolve(name + ".safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (TensorInfo t : f.tensors()) {
                float[] v = f.readFloats(t.name());
                w.addFloats(t.name(), t.shape(), keys.contains(t.name()) ? change.apply(t, v) : v);
            }
            w.write(ckpt);
        }
        Path out = tmp.resolve(name + "_models");
        try (SafetensorsFile f = SafetensorsFile.open(ckpt)) {
            new PackageExporter(f, sha, out).export(converter.apply(DIMS));
        }
        return out;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
