package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 5 on the tiny checkpoint: the FP32 chain renders the reference's tokens frame by frame with PCM SNR
 * over the gate; the FP16 chain's divergence is reported with its first flip classified by the reference's scores.
 */
class EndToEndCheckTest {
    @TempDir
    static Path tmp;
    static ArtifactReport report;
    static Validator.Request request;
    static ReferenceInfo reference;

    @BeforeAll
    static void convertAndCheck() {
        Path checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, Mrt2Dims.tiny(), 3, 1);
        Path models = tmp.resolve("models");
        ConvertService.run(checkpoint, models, ConversionPieces.select(List.of("temporal-carry", "temporal-carry-f32",
                "rollout-f16", "rollout-f32", "decoder", "decoder-f16", "sos-input", "codebooks")), s -> { });
        // 50 frames (2 s) with this seed: the FP16 chain flips a token on the way, the FP32 chain does not
        ValidationOptions options = ValidationOptions.defaults().withFrames(50).withSeed(7);
        reference = new ReferenceInfo("checkpoint tiny.safetensors", "tiny.safetensors",
                dev.mrt2.mil.pkg.Digests.sha256(checkpoint), 7L);
        assertEquals(List.of(), EndToEndCheck.run(new Validator.Request(models, checkpoint, null, true,
                tmp.resolve("receipts"), null, options), reference, s -> { }), "--skip-reference renders nothing");
        request = new Validator.Request(models, checkpoint, null, false, tmp.resolve("receipts"), null, options);
        List<ArtifactReport> reports = EndToEndCheck.run(request, reference, s -> { });
        assertEquals(1, reports.size());
        report = reports.get(0);
    }

    @Test
    void framesGeneratedInLockstepWithTheReferencePhaseGiveTheSameReport() {
        // beside the two sampling arms (which stop a frame earlier), and alone
        for (boolean arms : new boolean[] {true, false}) {
            EndToEndCheck.Plan plan = EndToEndCheck.plan(request);
            List<String> log = new java.util.ArrayList<>();
            new CheckpointReference(request.checkpoint(), null, request.options(), log::add, dev.mrt2.io.Progress.NONE)
                    .compute(new Demand(false, false, false, arms, false, 0, false), plan);
            assertTrue(plan.recorded(), log.toString());
            assertEquals(java.util.Set.of(), plan.decodedWindows(), "no windows known: the check decodes its own");
            List<String> later = new java.util.ArrayList<>();
            List<ArtifactReport> shared = EndToEndCheck.run(request, plan, reference, later::add);
            assertEquals(report.results(), shared.get(0).results(), "with arms: " + arms);
            assertTrue(later.stream().noneMatch(l -> l.contains("reference engine")), "rendered again: " + later);
        }
    }

    @Test
    void framesGeneratedOnALoadedTemporalPackageGiveTheSameReport() {
        // as Validator does right after a carry package's own checks: both chains' temporal packages lent in turn
        List<PackageInfo> artifacts = ModelsFolder.classify(request.models());
        EndToEndCheck.Plan plan = EndToEndCheck.plan(request, artifacts);
        int generated = 0;
        for (PackageInfo a : artifacts) {
            if (!plan.uses(a)) {
                continue;
            }
            try (dev.mrt2.mil.exec.MlProgramExecutor exec = dev.mrt2.mil.exec.MlProgramExecutor.load(a.path())) {
                assertEquals(1, plan.generateWith(request.models(), a, exec).size(), a.artifact());
                assertEquals(List.of(), plan.generateWith(request.models(), a, exec), "generated once");
                // the generator closed only its rollout package: the lent one still runs
                try (dev.mrt2.host.engine.PackageGenerator again = dev.mrt2.host.engine.PackageGenerator.borrowing(
                        exec, request.models(), java.util.Arrays.stream(dev.mrt2.host.engine.Precision.values())
                                .filter(p -> p.temporalPackage().equals(a.fileName())).findFirst().orElseThrow())) {
                    float[] out = again.temporalStep(again.startInput(), new float[again.sourceDim()]);
                    assertEquals(again.modelDim(), out.length);
                }
            }
            generated++;
        }
        assertEquals(2, generated, "the FP16 and FP32 chains' temporal packages");
        List<String> later = new java.util.ArrayList<>();
        List<ArtifactReport> shared = EndToEndCheck.run(request, plan, reference, later::add);
        assertEquals(report.results(), shared.get(0).results());
    }

    @Test
    void referenceAudioDecodedOnTheReferencePhasesDecoderGivesTheSameReport() {
        // the folder names the decoders' window; with the decoder case (one load for both) and without it
        List<PackageInfo> artifacts = ModelsFolder.classify(request.models());
        for (int decoderFrames : new int[] {0, 3}) {
            EndToEndCheck.Plan plan = EndToEndCheck.plan(request, artifacts);
            List<String> log = new java.util.ArrayList<>();
            ReferenceSet computed = new CheckpointReference(request.checkpoint(), null, request.options(), log::add,
                    dev.mrt2.io.Progress.NONE).compute(new Demand(false, false, false, true, false, decoderFrames,
                    false), plan);
            assertEquals(decoderFrames > 0, computed.decoder() != null);
            int window = artifacts.stream().filter(a -> a.fileName().equals("SpectroStreamDecoder.mlpackage"))
                    .findFirst().orElseThrow().inputShape(DecoderCheck.INPUT).get(1);
            assertEquals(java.util.Set.of(window), plan.decodedWindows(), log.toString());
            assertEquals(1, log.stream().filter(l -> l.contains("end-to-end audio")).count(), log.toString());
            List<ArtifactReport> shared = EndToEndCheck.run(request, plan, reference, s -> { });
            assertEquals(report.results(), shared.get(0).results(), "decoder case of " + decoderFrames + " frames");
        }
    }

    @Test
    void fp32ChainMatchesTheReferenceTokenForToken() {
        assertTrue(report.passed(), () -> "failed: " + report.failedGates());
        Map<?, ?> fp32 = (Map<?, ?>) report.results().get("fp32");
        assertEquals(0, fp32.get("frames_with_token_mismatch"));
        assertEquals(51 * 12, fp32.get("total_tokens"));
        assertTrue((double) fp32.get("pcm_snr_db") >= EndToEndCheck.MIN_FP32_PCM_SNR_DB, fp32.toString());
        assertEquals(List.of("end_to_end.fp16.pcm_finite_ratio", "end_to_end.fp32.pcm_finite_ratio",
                "end_to_end.fp32.frames_with_token_mismatch", "end_to_end.fp32.pcm_snr_db"),
                report.gates().stream().map(Gate::figure).toList());
    }

    @Test
    void fp16DivergenceIsReportedWithItsFirstFlipClassified() {
        Map<?, ?> fp16 = (Map<?, ?>) report.results().get("fp16");
        assertTrue(fp16.get("first_divergent_frame") instanceof Integer, fp16.toString());
        int frame = (int) fp16.get("first_divergent_frame");
        Map<?, ?> flip = (Map<?, ?>) fp16.get("first_flip");
        assertEquals(frame, flip.get("frame"));
        assertEquals(fp16.get("first_divergent_level"), flip.get("level"));
        double gap = (double) flip.get("score_gap");
        assertTrue(gap >= 0, flip.toString());
        assertEquals(gap <= RolloutCheck.NEAR_TIE_GAP, flip.get("near_tie"));
        assertEquals(Math.max(0, frame - 1) * 4 * 480, fp16.get("pcm_samples_before_divergence"));
        if (frame > 1) {
            // the FP16 decoder alone, on identical tokens: about 55-60 dB on tiny checkpoints
            assertTrue((double) fp16.get("pcm_snr_db_before_divergence") > 40, fp16.toString());
        }
    }
}
