package dev.mrt2.host.decode;

import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.host.StageTimes;
import dev.mrt2.model.Mrt2Constants;

/**
 * Streams token frames through a {@link WindowPlan}: each frame's codes are gathered into its decoder embedding as it
 * arrives, each window is decoded as soon as its last token is in, and its emitted rows go through one continuous
 * inverse STFT (so the overlap-add carries across windows), giving {@code 1920} samples per channel per token.
 */
public final class WindowedDecoder {
    /** Sees every window as it is decoded (for golden files). */
    public interface Listener {
        /**
         * @param index      window number
         * @param window     its place in the plan
         * @param embeddings {@code [T][E]} the decoder's input (zero rows past the last token when padded)
         * @param stft       the decoder's whole output {@code [4T - 4, 480, 4]}, flat, from a whole call (the audio
         *                   comes from {@link AudioDecoder#decodeRows}, the same rows on the JVM kernels)
         * @param pcm        {@code [2][480 rows]} the samples the emitted rows gave
         */
        void window(int index, WindowPlan.Window window, float[][] embeddings, float[] stft, float[][] pcm);
    }

    private final AudioDecoder decoder;
    private final WindowPlan plan;
    private final InverseStft istft;
    private final StageTimes times;
    private final Listener listener;
    private final float[][] embeddings;
    private final float[][] pcm;
    private int received;
    private int nextWindow;
    private int samples;

    public WindowedDecoder(AudioDecoder decoder, WindowPlan plan, InverseStft.Window window, StageTimes times,
                           Listener listener) {
        if (plan.frames() != decoder.frames()) {
            throw new IllegalArgumentException("plan for " + plan.frames() + "-token windows, the decoder takes "
                    + decoder.frames());
        }
        this.decoder = decoder;
        this.plan = plan;
        this.istft = new InverseStft(window);
        this.times = times;
        this.listener = listener;
        this.embeddings = new float[plan.tokens()][];
        this.pcm = new float[InverseStft.AUDIO_CHANNELS][plan.rows() * InverseStft.HOP];
    }

    /** Takes the next token frame's codes and decodes every window that is now complete. */
    public void accept(int[] codes) {
        if (received == plan.tokens()) {
            throw new IllegalStateException("the plan has " + plan.tokens() + " token frames, all received");
        }
        long t0 = System.nanoTime();
        embeddings[received++] = decoder.embed(codes);
        times.add(StageTimes.GATHER, t0);
        while (nextWindow < plan.windows().size() && plan.windows().get(nextWindow).end() <= received) {
            run(nextWindow++);
        }
    }

    /** Whether every window has run. */
    public boolean done() {
        return nextWindow == plan.windows().size();
    }

    /** Samples per channel produced so far. */
    public int samples() {
        return samples;
    }

    /** {@code [2][1920 (F - 1)]} once {@link #done()}. */
    public float[][] pcm() {
        if (!done()) {
            throw new IllegalStateException("decoded " + nextWindow + " of " + plan.windows().size() + " windows");
        }
        return pcm;
    }

    private void run(int index) {
        WindowPlan.Window w = plan.windows().get(index);
        float[][] in = new float[plan.frames()][];
        for (int i = 0; i < plan.frames(); i++) {
            in[i] = i < w.length() ? embeddings[w.start() + i] : new float[embeddings[0].length];
        }
        long t0 = System.nanoTime();
        float[] emitted = decoder.decodeWindow(in, plan, index);
        times.add(StageTimes.DECODER, t0);
        check(emitted, w.rows());
        long t1 = System.nanoTime();
        float[][] out = istft.push(emitted, 0, w.rows());
        times.add(StageTimes.ISTFT, t1);
        for (int a = 0; a < pcm.length; a++) {
            System.arraycopy(out[a], 0, pcm[a], samples, out[a].length);
        }
        samples += out[0].length;
        if (listener != null) {
            // the whole output, from a whole call: the same audio with or without a listener
            float[] stft = decoder.decode(in);
            check(stft, Mrt2Constants.CODEC_TIME_STRIDE * plan.frames() - Mrt2Constants.CODEC_LOOKAHEAD_FRAMES);
            listener.window(index, w, in, stft, out);
        }
    }

    private void check(float[] stft, int rows) {
        if (stft.length != rows * InverseStft.FRAME_VALUES) {
            throw new IllegalStateException(decoder.describe() + " returned " + stft.length + " values, expected "
                    + rows * InverseStft.FRAME_VALUES);
        }
    }

    /** The whole decode of {@code codes [F][L]} in one call. */
    public static float[][] decodeAll(AudioDecoder decoder, int[][] codes, int hop, InverseStft.Window window,
                                      StageTimes times, Listener listener) {
        WindowedDecoder d = new WindowedDecoder(decoder, WindowPlan.of(codes.length, decoder.frames(), hop), window,
                times, listener);
        for (int[] frame : codes) {
            d.accept(frame);
        }
        return d.pcm();
    }
}
