package dev.mrt2.host.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.host.StageTimes;
import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.engine.RolloutFrame;
import dev.mrt2.host.engine.TokenGenerator;
import dev.mrt2.io.Progress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frame loop with its decoder beside it on a thread of its own and in turns with it: the same tokens and the same
 * audio bits, and a decoder failure ends the render with the decoder's own error either way. Stand-ins: a generator
 * whose codes follow the noise and its own feedback, a decoder whose rows mix the last 14 tokens' embeddings.
 */
class RendererTest {
    static final int LEVELS = 2;
    static final int CODES = 8;

    /** Codes: per level the argmax of (feedback-dependent logits + noise); feedback: the codes' mean embedding. */
    static class StandInGenerator implements TokenGenerator {
        @Override
        public int modelDim() {
            return 3;
        }

        @Override
        public int sourceDim() {
            return 2;
        }

        @Override
        public int levels() {
            return LEVELS;
        }

        @Override
        public int codebookSize() {
            return CODES;
        }

        @Override
        public float[] startInput() {
            return new float[] {0.5f, -0.25f, 1f};
        }

        @Override
        public float[] temporalStep(float[] input, float[] source) {
            return new float[] {input[0] + source[0], input[1] * 0.5f + source[1], input[2] - input[0]};
        }

        @Override
        public RolloutFrame rollout(float[] h, float[] noise, float inverseTemperature) {
            int[] codes = new int[LEVELS];
            float[] feedback = new float[3];
            for (int l = 0; l < LEVELS; l++) {
                int best = 0;
                float bestScore = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < CODES; c++) {
                    float score = (h[c % 3] * (c + 1) + l) * inverseTemperature + noise[l * CODES + c];
                    if (score > bestScore) {
                        bestScore = score;
                        best = c;
                    }
                }
                codes[l] = best;
                feedback[l % 3] += (best - 3.5f) / LEVELS;
            }
            feedback[2] = h[0] * 0.1f;
            return new RolloutFrame(codes, feedback);
        }

        @Override
        public String describe() {
            return "stand-in generator";
        }

        @Override
        public void close() {}
    }

    /** Output row r (token k = r / 4) sums the embeddings of tokens k - 13 .. k + 1 weighted by distance. */
    static class StandInDecoder implements AudioDecoder {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int frames() {
            return 25;
        }

        @Override
        public int levels() {
            return LEVELS;
        }

        @Override
        public int codebookSize() {
            return CODES;
        }

        @Override
        public float[] embed(int[] codes) {
            return new float[] {codes[0] + 1, codes[1] - 3};
        }

        @Override
        public float[] decode(float[][] embeddings) {
            calls.incrementAndGet();
            int rows = 4 * frames() - 4;
            float[] out = new float[rows * InverseStft.FRAME_VALUES];
            for (int r = 0; r < rows; r++) {
                int k = r / 4;
                float sum = 0;
                for (int j = Math.max(0, k - 13); j <= k + 1; j++) {
                    sum += (embeddings[j][0] + 0.3f * embeddings[j][1]) * (k - j + 2);
                }
                for (int b = 0; b < InverseStft.BINS; b += 29) {
                    out[r * InverseStft.FRAME_VALUES + b * 4 + (r % 4)] = sum * (1 + 0.01f * b);
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return "stand-in decoder";
        }

        @Override
        public void close() {}
    }

    static Renderer.Request request(int frames) {
        float[][] conditioning = {{0.1f, -0.2f}, {0.3f, 0.05f}, {-0.4f, 0.2f}};
        return new Renderer.Request(conditioning, frames, 7, 1.3f, 11, InverseStft.Window.NORMALIZED);
    }

    @Test
    void theDecoderBesideTheLoopGivesTheSameTokensAndAudioAsInTurns() {
        StandInDecoder turnsDecoder = new StandInDecoder();
        StandInDecoder besideDecoder = new StandInDecoder();
        Renderer.Result turns = Renderer.run(new StandInGenerator(), turnsDecoder, request(101), Progress.NONE, null,
                false);
        Renderer.Result beside = Renderer.run(new StandInGenerator(), besideDecoder, request(101), Progress.NONE, null,
                true);
        assertFalse(turns.overlapped());
        assertTrue(beside.overlapped());
        assertEquals(101, beside.codes().length);
        for (int s = 0; s < 101; s++) {
            assertArrayEquals(turns.codes()[s], beside.codes()[s], "frame " + s);
        }
        assertEquals(1920 * 100, beside.pcm()[0].length);
        for (int a = 0; a < 2; a++) {
            assertArrayEquals(turns.pcm()[a], beside.pcm()[a], "channel " + a);
        }
        long distinct = java.util.Arrays.stream(turns.codes()).map(java.util.Arrays::toString).distinct().count();
        assertTrue(distinct > 10, "the stand-in's codes vary (" + distinct + " distinct frames)");
        assertEquals(turns.plan().windows().size(), besideDecoder.calls.get());
        assertEquals(turnsDecoder.calls.get(), besideDecoder.calls.get());
        // the decoder thread's stage times reach the result
        assertEquals(turns.times().calls(StageTimes.DECODER), beside.times().calls(StageTimes.DECODER));
        assertEquals(101, beside.times().calls(StageTimes.GATHER));
        assertEquals(101, beside.times().calls(StageTimes.TEMPORAL));
    }

    @Test
    void aDecoderFailureEndsTheRenderWithTheDecodersErrorEitherWay() {
        for (boolean overlap : new boolean[] {false, true}) {
            StandInDecoder failing = new StandInDecoder() {
                @Override
                public float[] decode(float[][] embeddings) {
                    if (calls.get() == 2) {
                        throw new IllegalStateException("window 3 of the stand-in failed");
                    }
                    return super.decode(embeddings);
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Renderer.run(
                    new StandInGenerator(), failing, request(200), Progress.NONE, null, overlap));
            assertEquals("window 3 of the stand-in failed", e.getMessage(), "overlap " + overlap);
        }
    }

    /** The loop failing mid-render ends it with the loop's error, and no decoder thread outlives the call. */
    @Test
    void aLoopFailureEndsTheRenderAndTheDecoderThreadWithIt() {
        StandInGenerator failing = new StandInGenerator() {
            int steps;

            @Override
            public float[] temporalStep(float[] input, float[] source) {
                if (++steps == 60) {
                    throw new IllegalStateException("step 60 of the stand-in failed");
                }
                return super.temporalStep(input, source);
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Renderer.run(failing,
                new StandInDecoder(), request(200), Progress.NONE, null, true));
        assertEquals("step 60 of the stand-in failed", e.getMessage());
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("mrt2-decoder") && t.isAlive()), "the decoder thread has ended");
    }

    @Test
    void onlyALoopBoundByMemoryHasTheDecoderBesideIt() {
        assertFalse(Renderer.overlap(new StandInGenerator(), null), "bound by arithmetic: every core for each stage");
        boolean twoCores = Runtime.getRuntime().availableProcessors() >= 2;
        assertEquals(twoCores, Renderer.overlap(new StandInGenerator() {
            @Override
            public boolean boundByMemory() {
                return true;
            }
        }, null));
    }

    @Test
    void anOverlapSettingOtherThanOnOffOrAutoIsRefusedInOneLine() {
        String before = System.getProperty(Renderer.OVERLAP_PROPERTY);
        try {
            System.setProperty(Renderer.OVERLAP_PROPERTY, "false");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Renderer::overlapSetting);
            assertEquals("-Dmrt2.render.overlap=false: expected on, off or auto", e.getMessage());
            System.setProperty(Renderer.OVERLAP_PROPERTY, "OFF");
            assertEquals("off", Renderer.overlapSetting());
        } finally {
            if (before == null) {
                System.clearProperty(Renderer.OVERLAP_PROPERTY);
            } else {
                System.setProperty(Renderer.OVERLAP_PROPERTY, before);
            }
        }
    }

    @Test
    void goldenRunsTakeTurns(@TempDir Path dir) {
        GoldenWriter golden = GoldenWriter.create(dir.resolve("golden"));
        try {
            assertFalse(Renderer.overlap(new StandInGenerator() {
                @Override
                public boolean boundByMemory() {
                    return true;
                }
            }, golden));
            assertThrows(IllegalArgumentException.class, () -> Renderer.run(new StandInGenerator(),
                    new StandInDecoder(), request(30), Progress.NONE, golden, true));
        } finally {
            golden.abandon();
        }
    }
}
