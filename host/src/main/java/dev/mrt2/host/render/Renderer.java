package dev.mrt2.host.render;

import dev.mrt2.host.StageTimes;
import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.host.decode.BackgroundWindows;
import dev.mrt2.host.decode.WindowPlan;
import dev.mrt2.host.decode.WindowedDecoder;
import dev.mrt2.host.engine.RolloutFrame;
import dev.mrt2.host.engine.TokenGenerator;
import dev.mrt2.host.noise.SamplingNoise;
import dev.mrt2.io.Progress;
import dev.mrt2.mil.exec.KernelThreads;
import dev.mrt2.model.Mrt2Constants;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

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
 * With two or more cores and the packages' loop, bound by memory bandwidth, the decoder windows run on a thread of
 * their own beside it ({@link BackgroundWindows}); the tokens and the audio are the same bits either way.
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
     * @param overlapped  whether the decoder ran on a thread of its own beside the token loop (its stage seconds then
     *                    overlap the loop's)
     */
    public record Result(int[][] codes, float[][] pcm, StageTimes times, double wallSeconds, WindowPlan plan,
                         boolean overlapped) {
        public double audioSeconds() {
            return (double) pcm[0].length / Mrt2Constants.SAMPLE_RATE;
        }

        /** Seconds of audio per second of wall time. */
        public double realTimeFactor() {
            return audioSeconds() / wallSeconds;
        }
    }

    /** The system property that chooses whether render decodes beside the loop ({@link #overlapSetting}). */
    public static final String OVERLAP_PROPERTY = "mrt2.render.overlap";

    private Renderer() {}

    /**
     * Whether render decodes on a thread of its own beside the token loop ({@link BackgroundWindows}): with two or more
     * cores and a loop bound by memory ({@link TokenGenerator#boundByMemory}), unless {@code -Dmrt2.render.overlap=off}
     * (the benchmark's peer: the same render, stages in turns). Golden runs take turns, so their files are written by
     * one thread in frame order. Measured at full size (10 s, 2-core Zen 5 VM, OpenJDK 17): packages 27.3-28.4 s
     * against 29.5-33.6 s in turns; the reference engine, bound by arithmetic, 61.9 s beside against 57.4 s in turns.
     */
    static boolean overlap(TokenGenerator generator, GoldenWriter golden) {
        return golden == null && generator.boundByMemory() && Runtime.getRuntime().availableProcessors() >= 2
                && !overlapSetting().equals("off");
    }

    /** {@code -Dmrt2.render.overlap}: on or auto (the rule of {@link #overlap}), or off; anything else is refused. */
    public static String overlapSetting() {
        String v = System.getProperty(OVERLAP_PROPERTY, "auto").toLowerCase(Locale.ROOT);
        if (!v.equals("on") && !v.equals("off") && !v.equals("auto")) {
            throw new IllegalArgumentException("-D" + OVERLAP_PROPERTY + "=" + v + ": expected on, off or auto");
        }
        return v;
    }

    /** Runs the loop; {@code golden} (may be null) receives every frame's and window's tensors. */
    public static Result run(TokenGenerator generator, AudioDecoder decoder, Request request, Progress progress,
                             GoldenWriter golden) {
        return run(generator, decoder, request, progress, golden, overlap(generator, golden));
    }

    /**
     * {@link #run} with the decoder beside the loop or in turns with it, as {@code overlap} says. A caller whose decoder
     * does no work (frames recorded for later) takes turns, so the loop's kernels get every core.
     */
    public static Result run(TokenGenerator generator, AudioDecoder decoder, Request request, Progress progress,
                      GoldenWriter golden, boolean overlap) {
        if (overlap && golden != null) {
            throw new IllegalArgumentException("golden files are written in frame order: no overlap");
        }
        check(generator, decoder, request);
        WindowPlan plan = WindowPlan.of(request.frames(), decoder.frames(), request.hop());
        StageTimes times = new StageTimes();
        long start = System.nanoTime();
        int[][] codes;
        float[][] pcm;
        if (overlap) {
            try (BackgroundWindows windows = new BackgroundWindows(decoder, plan, request.window())) {
                codes = KernelThreads.alone(() -> loop(generator, request, progress, null, times, start,
                        windows::accept, windows::samples));
                pcm = windows.finish(times);
            }
        } else {
            WindowedDecoder windows = new WindowedDecoder(decoder, plan, request.window(), times, golden);
            codes = loop(generator, request, progress, golden, times, start, windows::accept, windows::samples);
            pcm = windows.pcm();
        }
        AudioChecks.requireFinite(pcm, decoder.describe());
        return new Result(codes, pcm, times, (System.nanoTime() - start) / 1e9, plan, overlap);
    }

    /** The token frames, each handed to {@code decode} as it is sampled; {@code samples} is the audio so far. */
    private static int[][] loop(TokenGenerator generator, Request request, Progress progress, GoldenWriter golden,
                                StageTimes times, long start, Consumer<int[]> decode, IntSupplier samples) {
        int frames = request.frames();
        SamplingNoise noise = new SamplingNoise(request.seed(), request.temperature(), generator.levels(),
                generator.codebookSize());
        int[][] codes = new int[frames][];
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
                decode.accept(frame.codes());
                input = frame.feedback();
                task.advance(1);
                task.note(note(samples.getAsInt(), (System.nanoTime() - start) / 1e9));
            }
        }
        return codes;
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
