package dev.mrt2.host.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.tensor.NdArray;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;

/** §4.8 / §14.1–14.2 host inverse STFT. */
class InverseStftTest {
    @Test
    void normalizedWindowByHand() {
        double[] g = InverseStft.window(InverseStft.Window.NORMALIZED);
        // g = w / (w[n mod 480]^2 + w[n mod 480 + 480]^2); n = 0: 0 / 1; n = 240: 0.5 / 0.5; n = 480: 1 / 1
        assertEquals(0.0, g[0], 1e-15);
        assertEquals(1.0, g[240], 1e-12);
        assertEquals(1.0, g[480], 1e-12);
        double peak = 0;
        for (double v : g) {
            peak = Math.max(peak, v);
        }
        assertEquals(1.207, peak, 1e-3, "g peaks at about 1.207");
        double[] hann = InverseStft.window(InverseStft.Window.PLAIN_HANN);
        assertEquals(0.5, hann[240], 1e-12);
        // analysis Hann x synthesis g sums to one across the two overlapping frames
        for (int n = 0; n < 480; n++) {
            assertEquals(1.0, InverseStft.hann(n) * g[n] + InverseStft.hann(n + 480) * g[n + 480], 1e-12);
        }
    }

    /** Forward STFT with the periodic Hann analysis window: frame t covers samples 480 t .. 480 t + 959. */
    static NdArray analyse(double[][] signal, int frames) {
        float[] s = new float[frames * 480 * 4];
        DoubleFFT_1D fft = new DoubleFFT_1D(960);
        for (int a = 0; a < 2; a++) {
            for (int t = 0; t < frames; t++) {
                double[] buf = new double[960];
                for (int n = 0; n < 960; n++) {
                    buf[n] = signal[a][480 * t + n] * InverseStft.hann(n);
                }
                fft.realForward(buf);
                s[t * 1920 + 2 * a] = (float) buf[0];
                for (int b = 1; b < 480; b++) {
                    s[t * 1920 + b * 4 + 2 * a] = (float) buf[2 * b];
                    s[t * 1920 + b * 4 + 2 * a + 1] = (float) buf[2 * b + 1];
                }
            }
        }
        return NdArray.f32(new int[] {1, frames, 480, 4}, s);
    }

    /** Sums of sinusoids well below Nyquist: the codec drops the Nyquist bin, so keep nothing there. */
    static double[][] signal(int samples) {
        double[][] x = new double[2][samples];
        for (int n = 0; n < samples; n++) {
            x[0][n] = Math.sin(2 * Math.PI * 440 * n / 48000.0) + 0.3 * Math.sin(2 * Math.PI * 3111 * n / 48000.0 + 1);
            x[1][n] = 0.5 * Math.cos(2 * Math.PI * 1000 * n / 48000.0) + 0.2 * Math.cos(2 * Math.PI * 7777 * n / 48000.0);
        }
        return x;
    }

    @Test
    void normalizedWindowReconstructsAnAnalysedSignalAndPlainHannDoesNot() {
        int frames = 10;
        double[][] x = signal(480 * (frames + 1));
        NdArray stft = analyse(x, frames);
        float[][] normalized = InverseStft.chunk(stft, InverseStft.Window.NORMALIZED);
        float[][] plain = InverseStft.chunk(stft, InverseStft.Window.PLAIN_HANN);
        assertEquals(480 * frames, normalized[0].length);
        double worst = 0;
        double worstPlain = 0;
        // the first hop lacks its previous frame in chunk mode; check the rest
        for (int a = 0; a < 2; a++) {
            for (int n = 480; n < 480 * frames; n++) {
                worst = Math.max(worst, Math.abs(normalized[a][n] - x[a][n]));
                worstPlain = Math.max(worstPlain, Math.abs(plain[a][n] - x[a][n]));
            }
        }
        assertTrue(worst < 1e-4, "normalized window round trip error " + worst);
        assertTrue(worstPlain > 0.1, "plain Hann should not round-trip: " + worstPlain);
    }

    @Test
    void roundTripReconstructsATestSignalToAtLeast100Db() {
        // STFT -> inverse STFT with the normalised window: analysis Hann x synthesis g sums to one, so everything but
        // the first hop (no earlier frame in chunk mode) comes back to float32 precision.
        int frames = 50;
        double[][] x = signal(480 * (frames + 1));
        float[][] y = InverseStft.chunk(analyse(x, frames), InverseStft.Window.NORMALIZED);
        double signal = 0;
        double noise = 0;
        for (int a = 0; a < 2; a++) {
            for (int n = 480; n < 480 * frames; n++) {
                signal += x[a][n] * x[a][n];
                noise += (y[a][n] - x[a][n]) * (y[a][n] - x[a][n]);
            }
        }
        double snrDb = 10 * Math.log10(signal / noise);
        assertTrue(snrDb >= 100, "round trip SNR " + snrDb + " dB, want >= 100 dB");
    }

    @Test
    void oneBinInverseFollowsTheIrfftConvention() {
        // X[1] = 1 -> x[n] = 2 cos(2 pi n / 960) / 960; X[1] = i -> -2 sin(...) / 960; DC imaginary part ignored
        float[] s = new float[480 * 4];
        s[4] = 1;
        s[2 + 4 + 1] = 1;
        s[1] = 123;
        float[][] y = InverseStft.chunk(NdArray.f32(new int[] {1, 480, 4}, s), InverseStft.Window.PLAIN_HANN);
        for (int n = 0; n < 480; n++) {
            double w = InverseStft.hann(n);
            assertEquals(w * 2 * Math.cos(2 * Math.PI * n / 960) / 960, y[0][n], 1e-9);
            assertEquals(w * -2 * Math.sin(2 * Math.PI * n / 960) / 960, y[1][n], 1e-9);
        }
    }

    @Test
    void streamingPushesEqualOneChunk() {
        int frames = 6;
        NdArray stft = analyse(signal(480 * (frames + 1)), frames);
        float[][] whole = InverseStft.chunk(stft, InverseStft.Window.NORMALIZED);
        InverseStft streaming = new InverseStft(InverseStft.Window.NORMALIZED);
        float[] all = stft.floats();
        float[][] first = streaming.push(NdArray.f32(new int[] {4, 480, 4}, java.util.Arrays.copyOf(all, 4 * 1920)));
        float[][] second = streaming.push(NdArray.f32(new int[] {2, 480, 4},
                java.util.Arrays.copyOfRange(all, 4 * 1920, 6 * 1920)));
        for (int a = 0; a < 2; a++) {
            for (int n = 0; n < 480 * 4; n++) {
                assertEquals(whole[a][n], first[a][n]);
            }
            for (int n = 0; n < 480 * 2; n++) {
                assertEquals(whole[a][480 * 4 + n], second[a][n], 1e-6);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> streaming.push(NdArray.f32(new int[] {1, 479, 4}, new float[479 * 4])));
    }
}
