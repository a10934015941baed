package dev.mrt2.host.audio;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Host inverse STFT and overlap-add (mrt2-model.md §4.8, §14.1–14.2) of {@code decoder_stft} rows {@code [N, 480, 4]},
 * channel order {@code [re0, im0, re1, im1]}: per frame and audio channel, bins 0..479 plus a zero Nyquist bin, a
 * 960-point inverse real FFT (1/960 normalisation, DC imaginary part ignored), times the synthesis window,
 * overlap-added at hop 480 in float64. Each {@link #push} of N frames emits exactly 480 N samples per channel and
 * carries the last frame's trailing 480 samples into the next push; a fresh instance's first push is the chunk mode of
 * §14.2 (the first hop gets no earlier frame, the last frame's tail waits for the next push).
 */
public final class InverseStft {
    /** Synthesis windows (§14.1). */
    public enum Window {
        /** Upstream's default: periodic Hann divided by the overlapped squared Hann, {@code w / (w^2 + w_shifted^2)}. */
        NORMALIZED,
        /** The iPhone port's plain periodic Hann, for comparison with it. */
        PLAIN_HANN
    }

    public static final int FRAME = Mrt2Constants.STFT_FRAME;
    public static final int HOP = Mrt2Constants.STFT_HOP;
    public static final int BINS = Mrt2Constants.STFT_BINS;
    public static final int CHANNELS = Mrt2Constants.CODEC_OUTPUT_CHANNELS;
    public static final int AUDIO_CHANNELS = CHANNELS / 2;
    /** Floats of one STFT frame: 480 bins x 4 channels. */
    public static final int FRAME_VALUES = BINS * CHANNELS;

    private final double[] window;
    private final DoubleFFT_1D fft = new DoubleFFT_1D(FRAME);
    private final double[][] carry = new double[AUDIO_CHANNELS][HOP];

    public InverseStft(Window window) {
        this.window = window(window);
    }

    /** The synthesis window {@code g[n]}, n = 0..959. */
    public static double[] window(Window kind) {
        double[] g = new double[FRAME];
        for (int n = 0; n < FRAME; n++) {
            double w = hann(n);
            g[n] = switch (kind) {
                case PLAIN_HANN -> w;
                case NORMALIZED -> w / (square(hann(n % HOP)) + square(hann(n % HOP + HOP)));
            };
        }
        return g;
    }

    /** Periodic Hann {@code 0.5 - 0.5 cos(2 pi n / 960)}: the codec's analysis window. */
    public static double hann(int n) {
        return 0.5 - 0.5 * Math.cos(2 * Math.PI * n / FRAME);
    }

    /**
     * Synthesises {@code stft [1, N, 480, 4]} or {@code [N, 480, 4]} into {@code [2][480 N]} samples (channel 0,
     * channel 1), adding the previous push's tail to the first hop.
     */
    public float[][] push(NdArray stft) {
        int[] shape = stft.shape();
        int rank = shape.length;
        if (rank < 3 || rank > 4 || shape[rank - 1] != CHANNELS || shape[rank - 2] != BINS
                || (rank == 4 && shape[0] != 1)) {
            throw new IllegalArgumentException("iSTFT input must be [1, N, " + BINS + ", " + CHANNELS + "] or [N, "
                    + BINS + ", " + CHANNELS + "], got " + Arrays.toString(shape));
        }
        return push(stft.floats(), 0, shape[rank - 3]);
    }

    /** The same on {@code frames} rows of {@code [480, 4]} starting at row {@code firstRow} of {@code stft}. */
    public float[][] push(float[] stft, int firstRow, int frames) {
        if ((long) (firstRow + frames) * FRAME_VALUES > stft.length) {
            throw new IllegalArgumentException("iSTFT rows " + firstRow + ".." + (firstRow + frames - 1)
                    + " outside the " + stft.length / FRAME_VALUES + " rows given");
        }
        float[][] out = new float[AUDIO_CHANNELS][HOP * frames];
        double[] buffer = new double[FRAME];
        for (int a = 0; a < AUDIO_CHANNELS; a++) {
            double[] acc = new double[HOP * frames + HOP];
            System.arraycopy(carry[a], 0, acc, 0, HOP);
            for (int t = 0; t < frames; t++) {
                // JTransforms' packed real layout: [Re0, Re(n/2), Re1, Im1, ...]; Im0 is dropped, Nyquist is zero
                int base = (firstRow + t) * FRAME_VALUES;
                buffer[0] = stft[base + 2 * a];
                buffer[1] = 0;
                for (int b = 1; b < BINS; b++) {
                    buffer[2 * b] = stft[base + b * CHANNELS + 2 * a];
                    buffer[2 * b + 1] = stft[base + b * CHANNELS + 2 * a + 1];
                }
                fft.realInverse(buffer, true);
                for (int n = 0; n < FRAME; n++) {
                    acc[HOP * t + n] += window[n] * buffer[n];
                }
            }
            for (int i = 0; i < HOP * frames; i++) {
                out[a][i] = (float) acc[i];
            }
            System.arraycopy(acc, HOP * frames, carry[a], 0, HOP);
        }
        return out;
    }

    /** Chunk mode (§14.2): a fresh synthesis of {@code stft}, the trailing 480 samples dropped. */
    public static float[][] chunk(NdArray stft, Window window) {
        return new InverseStft(window).push(stft);
    }

    public void reset() {
        for (double[] c : carry) {
            Arrays.fill(c, 0);
        }
    }

    private static double square(double v) {
        return v * v;
    }
}
