package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.convert.ConversionPieces;
import dev.mrt2.convert.ConvertService;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mrt2 validate} on the corrected generation (issue #7 item 2), tiny checkpoint: the carry step passes its
 * gates over 64 streaming steps with the host ring protocol, the FP32 rollout is token-exact, the FP16 rollout's
 * flips are counted and classified; packages judged against another checkpoint's reference fail.
 */
class CorrectedValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Mrt2Dims DIMS = Mrt2Dims.tiny();
    /** 64 steps as the spec asks (23 after the wrap); 4 frames per rollout arm keep the suite fast. */
    private static final ValidationOptions OPTIONS = ValidationOptions.defaults().withSteps(64).withFrames(4);

    @TempDir
    static Path tmp;
    static Path checkpoint;
    static Path models;
    static Validator.Run run;
    static Path receipts;

    @BeforeAll
    static void convertAndValidate() {
        checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, DIMS, 7, 1);
        models = tmp.resolve("models");
        ConvertService.run(checkpoint, models,
                ConversionPieces.select(List.of("temporal-carry", "rollout-f16", "rollout-f32")), s -> { });
        receipts = tmp.resolve("receipts");
        run = TestRuns.live(models, checkpoint, receipts, OPTIONS);
    }

    @Test
    void correctedPackagesPassEveryGate() {
        assertTrue(run.passed(true), () -> "failed: " + run.failedGates());
        // reports in package-name order: the two rollouts, then the carry step
        assertEquals(List.of(PackageInfo.Kind.DEPTH_ROLLOUT, PackageInfo.Kind.DEPTH_ROLLOUT,
                PackageInfo.Kind.TEMPORAL_CARRY), run.reports().stream().map(r -> r.info().kind()).toList());
        assertEquals(6, run.receipts().size());
    }

    @Test
    void carryReceiptCoversTheWrapAndShowsTheCachesAreRead() throws IOException {
        JsonNode carry = JSON.readTree(receipts.resolve("MRT2TemporalBodyCarry_validation.json").toFile());
        assertEquals("temporal_carry", carry.get("kind").asText());
        assertEquals("float16", carry.get("precision").asText());
        JsonNode t = carry.at("/results/temporal_stream");
        assertEquals(64, t.get("steps").asInt());
        assertEquals(23, t.get("wrapped_steps").asInt());
        assertEquals(48, t.get("cache_input_count").asInt());
        assertTrue(t.get("cache_updates_all_finite").asBoolean());
        assertTrue(t.get("fresh_vs_warmed_diverged").asBoolean(), "step 1 must depend on the cache of step 0");
        assertTrue(t.at("/post_wrap/correlation").asDouble() >= 0.9999, t.at("/post_wrap").toString());
        assertTrue(carry.has("fp16_headroom"));
    }

    @Test
    void f32RolloutIsTokenExactOnEveryArm() throws IOException {
        JsonNode r = JSON.readTree(receipts.resolve("MRT2DepthBodyRollout.f32_validation.json").toFile());
        assertEquals("float32", r.get("precision").asText());
        for (String arm : List.of("argmax_frames", "noise_frames_t10", "noise_frames_t13")) {
            JsonNode a = r.at("/results/rollout/" + arm);
            assertEquals(0, a.get("token_mismatches_vs_reference").asInt(), arm);
            assertEquals(4 * 12, a.get("total_tokens").asInt(), arm);
            assertTrue(a.get("temporal_feedback_max_abs_error").asDouble() <= 1e-3, arm);
            assertEquals(0, a.at("/flips/tokens").size(), arm);
        }
        assertEquals(1.3, r.at("/results/rollout/noise_frames_t13/temperature").asDouble());
        assertEquals(3 * 3 + 1, r.get("gates").size(), "3 gates per arm, and non-finite ops");
    }

    @Test
    void f16RolloutCountsAndClassifiesEveryFlip() throws IOException {
        JsonNode r = JSON.readTree(receipts.resolve("MRT2DepthBodyRollout.f16_validation.json").toFile());
        assertEquals("float16", r.get("precision").asText());
        for (String arm : List.of("argmax_frames", "noise_frames_t10", "noise_frames_t13")) {
            JsonNode a = r.at("/results/rollout/" + arm);
            int mismatches = a.get("token_mismatches_vs_reference").asInt();
            JsonNode flips = a.get("flips");
            assertEquals(mismatches, flips.get("tokens").size(), arm);
            assertEquals(mismatches, flips.get("near_tie").asInt() + flips.get("not_near_tie").asInt(), arm);
            assertEquals(a.get("frames_with_any_divergence").asInt(),
                    flips.get("first_in_frame_near_tie").asInt() + flips.get("first_in_frame_not_near_tie").asInt(),
                    arm);
            assertEquals(1.0, a.get("temporal_feedback_finite_ratio").asDouble(), arm);
            assertTrue(flips.get("top_k_boundary").asInt() <= mismatches, arm);
        }
        // per arm the finite gate and the near-tie gate on each frame's first flip; then non-finite ops
        assertEquals(3 * 2 + 1, r.get("gates").size());
        for (String arm : List.of("argmax_frames", "noise_frames_t10", "noise_frames_t13")) {
            assertEquals(0, r.at("/results/rollout/" + arm + "/flips/first_in_frame_not_near_tie").asInt(), arm);
        }
    }

    @Test
    void flipsAreClassifiedByTheReferenceScoreGapOrTopKMargin() {
        // C = 3 codes keep all three in top-k (k = min(40, C)), except where the logits make a code fall out: with
        // C = 3 nothing falls out, so the boundary case uses 41 codes below.
        float[][][] logits = {{{5f, 4.95f, 1f}, {3f, 0f, -2f}}, {{2f, 2f, 0f}, {0f, 1f, 7f}}};
        float[][][] scores = {{{5f, 4.95f, 1f}, {3f, 0f, -2f}}, {{2f, 2f, 0f}, {0f, 1f, 7f}}};
        int[][] expected = {{0, 0}, {0, 2}};
        int[][] actual = {{1, 1}, {0, 1}};
        List<RolloutCheck.Flip> flips = RolloutCheck.classify(actual, expected, logits, scores);
        assertEquals(3, flips.size());
        assertEquals(new RolloutCheck.Flip(0, 0, 0, 1, "score", 5.0 - 4.95f, true, false), flips.get(0));
        assertEquals(new RolloutCheck.Flip(0, 1, 0, 1, "score", 3.0, false, true), flips.get(1));
        assertEquals(new RolloutCheck.Flip(1, 1, 2, 1, "score", 6.0, false, false), flips.get(2));

        // 41 codes, top-40: code 40 (logit 0.95) sits just below the threshold (logit 1.0 of code 39)
        float[] z = new float[41];
        float[] sc = new float[41];
        for (int c = 0; c < 41; c++) {
            z[c] = c < 40 ? 1f + c : 0.95f;
            sc[c] = c < 40 ? z[c] : -1e4f;
        }
        List<RolloutCheck.Flip> boundary = RolloutCheck.classify(new int[][] {{40}}, new int[][] {{39}},
                new float[][][] {{z}}, new float[][][] {{sc}});
        assertEquals("top_k_boundary", boundary.get(0).kind());
        assertEquals(1.0 - 0.95f, boundary.get(0).scoreGap(), 1e-12);
        assertTrue(boundary.get(0).nearTie());
    }

    @Test
    void hostRingFillsInOrderThenShiftsOldestOut() {
        int window = 41;
        float[] cache = new float[window * 2];
        for (int s = 0; s < window + 2; s++) {
            CarryStepper.file(cache, new float[] {s, -s}, Math.min(s, window));
        }
        // after 43 steps rows hold steps 2..42, oldest first
        assertEquals(2f, cache[0]);
        assertEquals(-2f, cache[1]);
        assertEquals(42f, cache[2 * (window - 1)]);
        assertEquals(41f, cache[2 * (window - 2)]);
        float[] bias = CarryStepper.bias(2, 43);
        assertArrayEquals(new float[] {0f, 0f, 0f, -1e4f}, java.util.Arrays.copyOf(bias, 4));
        assertEquals(0f, bias[42]);
        assertEquals(-1e4f, bias[41]);
    }

    @Test
    void anotherCheckpointStopsBeforeAnythingRunsAndNamesBothDigests() {
        Path other = tmp.resolve("other.safetensors");
        Mrt2Synth.write(other, DIMS, 8, 1);
        ProvenanceException e = assertThrows(ProvenanceException.class, () -> TestRuns.live(models, other,
                tmp.resolve("wrong"), ValidationOptions.defaults().withSteps(42).withFrames(2)));
        String packageSha = Digests.sha256(checkpoint);
        String otherSha = Digests.sha256(other);
        assertTrue(e.getMessage().contains(packageSha) && e.getMessage().contains(otherSha), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(java.nio.file.Files.exists(tmp.resolve("wrong")), "stopped before writing any receipt");
    }
}
