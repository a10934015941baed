package dev.mrt2.host.render;

import dev.mrt2.host.StageTimes;
import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.host.decode.WindowedDecoder;
import dev.mrt2.host.engine.RolloutFrame;
import dev.mrt2.host.engine.TokenGenerator;
import dev.mrt2.host.noise.SamplingNoise;
import dev.mrt2.io.Progress;
import dev.mrt2.model.Mrt2Constants;
import java.util.Locale;

/**
 * The corrected-generation frame loop (mrt2-model.md §10, MODELS.md "Host loop"), for F token frames:
 * <pre>
 * input = sqrt(D) Emb[0]
 * for s = 0 .. F-1:
 *     source = conditioning row min(s, rows - 1)
 *     h = temporal step(input, source)                     carry package + host ring, or the reference
 *     codes, feedback = rollout(h, gumbel_noise(seed), 1 / max(0.05, T))
 *     decoder windows: gather codes -> embedding; each complete window -> decoder -> emitted rows -> iSTFT
 *     input = feedback
 * </pre>
 * F = 25 S + 1 for S seconds: the last token is the decoder's lookahead, so the audio is exactly 48 000 S samples
 * per channel.
 */
public final class Renderer {
    /**
     * @param conditioning {@code [rows][S]} source_encoded rows; frame s uses row {@code min(s, rows - 1)}
     * @param frames       token frames F (at least 2)
     * @param seed         SplitMix64 seed of the Gumbel noise
     * @param temperature  T (0 = argmax)
     * @param hop          decoder window hop in tokens
     * @param window       iSTFT synthesis window
     */
    public record Request(float[][] conditioning, int frames, long seed, float temperature, int hop,
                          InverseStft.Window window) {
        /** The audio is held in memory until the WAV is written: 30 min is 0.7 GB of float samples. */
        public static final int MAX_SECONDS = 1800;

        public Request {
            if (frames < 2) {
                throw new IllegalArgumentException("a render needs at least 2 token frames, got " + frames);
            }
            if (conditioning.length == 0) {
                throw new IllegalArgumentException("no conditioning rows");
            }
        }

        /** Token frames for {@code seconds} of audio: {@code 25 S + 1}. */
        public static int framesFor(double seconds) {
            double exact = seconds * Mrt2Constants.FRAME_RATE;
            double f = Math.rint(exact);
            if (!(f >= 1) || Math.abs(exact - f) > 1e-6 || f > MAX_SECONDS * Mrt2Constants.FRAME_RATE) {
                throw new IllegalArgumentException("--seconds " + seconds + ": must be a positive multiple of "
                        + "0.04 s (one 25 Hz frame), at most " + MAX_SECONDS + " s");
            }
            return (int) f + 1;
        }
    }

    /**
     * @param codes       {@code [F][L]} codebook-local codes
     * @param pcm         {@code [2][1920 (F - 1)]} the inverse STFT's output (the WAV scales it by 0.5)
     * @param times       seconds per stage
     * @param wallSeconds the whole loop
     * @param plan        the decoder windows used
     */
    public record Result(int[][] codes, float[][] pcm, StageTimes times, double wallSeconds, WindowPlan plan) {
        public double audioSeconds() {
            return (double) pcm[0].length / Mrt2Constants.SAMPLE_RATE;
        }

        /** Seconds of audio per second of wall time. */
        public double realTimeFactor() {
            return audioSeconds() / wallSeconds;
        }
    }

    private Renderer() {}

    /** Runs the loop; {@code golden} (may be null) receives every frame's and window's tensors. */
    public static Result run(TokenGenerator generator, AudioDecoder decoder, Request request, Progress progress,
                             GoldenWriter golden) {
        check(generator, decoder, request);
        int frames = request.frames();
        SamplingNoise noise = new SamplingNoise(request.seed(), request.temperature(), generator.levels(),
                generator.codebookSize());
        StageTimes times = new StageTimes();
        WindowPlan plan = WindowPlan.of(frames, decoder.frames(), request.hop());
        WindowedDecoder windows = new WindowedDecoder(decoder, plan, request.window(), times, golden);
        int[][] codes = new int[frames][];
        long start = System.nanoTime();
        try (Progress.Task task = progress.start("render", frames, "frames")) {
            float[] input = generator.startInput();
            for (int s = 0; s < frames; s++) {
                float[] source = request.conditioning()[Math.min(s, request.conditioning().length - 1)];
                long t0 = System.nanoTime();
                float[] h = generator.temporalStep(input, source);
                times.add(StageTimes.TEMPORAL, t0);
                float[] g = noise.next();
                long t1 = System.nanoTime();
                RolloutFrame frame = generator.rollout(h, g, noise.inverseTemperature());
                times.add(StageTimes.ROLLOUT, t1);
                codes[s] = frame.codes();
                if (golden != null) {
                    golden.frame(s, source, input, generator.lastCacheValidBias(), h, g, generator.levels(),
                            noise.inverseTemperature(), frame);
                }
                windows.accept(frame.codes());
                input = frame.feedback();
                task.advance(1);
                task.note(note(windows.samples(), (System.nanoTime() - start) / 1e9));
            }
        }
        float[][] pcm = windows.pcm();
        AudioChecks.requireFinite(pcm, decoder.describe());
        return new Result(codes, pcm, times, (System.nanoTime() - start) / 1e9, plan);
    }

    /** "1.20 s audio, x0.52 real time". */
    static String note(int samples, double wallSeconds) {
        double audio = (double) samples / Mrt2Constants.SAMPLE_RATE;
        return String.format(Locale.ROOT, "%.2f s audio, x%.2f real time", audio,
                wallSeconds > 0 ? audio / wallSeconds : 0);
    }

    private static void check(TokenGenerator generator, AudioDecoder decoder, Request request) {
        int width = request.conditioning()[0].length;
        if (width != generator.sourceDim()) {
            throw new IllegalArgumentException("conditioning rows have " + width + " values, " + generator.describe()
                    + " takes source_encoded of width " + generator.sourceDim());
        }
        if (generator.levels() != decoder.levels() || generator.codebookSize() != decoder.codebookSize()) {
            throw new IllegalArgumentException(generator.describe() + " samples " + generator.levels() + " levels of "
                    + generator.codebookSize() + " codes, " + decoder.describe() + " decodes " + decoder.levels()
                    + " of " + decoder.codebookSize());
        }
    }
}
