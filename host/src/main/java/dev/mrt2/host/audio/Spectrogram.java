package dev.mrt2.host.audio;

import dev.mrt2.io.AtomicFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * A log-magnitude spectrogram PNG of the two channels' mean: 960-point periodic-Hann frames at hop 480 (one pixel
 * column per 10 ms), 480 bins from 0 Hz at the bottom to 24 kHz at the top (one pixel row per 50 Hz), 80 dB of range
 * below the loudest bin. A strip under it carries the time axis: a tick every second, labelled in seconds with a
 * built-in 3x5 pixel font, so the bytes depend on nothing installed (no system fonts).
 */
public final class Spectrogram {
    static final int FRAME = InverseStft.FRAME;
    static final int HOP = InverseStft.HOP;
    static final int BINS = InverseStft.BINS;
    static final double RANGE_DB = 80;
    static final int AXIS_HEIGHT = 14;
    /** Digits 0-9, 3 columns x 5 rows each, one bit per pixel, top row first. */
    private static final int[][] DIGITS = {
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
        {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 2, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
    };
    /** Colour map anchors, dark to bright (black, purple, red, orange, pale yellow). */
    private static final int[][] COLOURS = {
        {0, 0, 4}, {80, 18, 123}, {182, 54, 121}, {251, 136, 97}, {252, 253, 191},
    };

    static {
        // Drawing into a BufferedImage needs no display; without this, macOS would show a Dock icon for the JVM.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Spectrogram() {}

    public static void write(Path png, float[][] channels, int sampleRate) {
        BufferedImage image = render(channels, sampleRate);
        AtomicFile.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JDK");
            }
        });
    }

    /** The image: width = STFT frames, height = 480 bins + the axis strip. */
    public static BufferedImage render(float[][] channels, int sampleRate) {
        int n = channels[0].length;
        int frames = Math.max(1, (n - FRAME) / HOP + 1);
        double[][] db = new double[frames][BINS];
        double peak = Double.NEGATIVE_INFINITY;
        DoubleFFT_1D fft = new DoubleFFT_1D(FRAME);
        double[] buf = new double[FRAME];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < FRAME; i++) {
                int k = t * HOP + i;
                double mono = 0;
                for (float[] c : channels) {
                    mono += k < n ? c[k] : 0;
                }
                buf[i] = mono / channels.length * InverseStft.hann(i);
            }
            fft.realForward(buf);
            for (int b = 0; b < BINS; b++) {
                double re = buf[2 * b];
                double im = b == 0 ? 0 : buf[2 * b + 1];
                db[t][b] = 10 * Math.log10(re * re + im * im + 1e-20);
                peak = Math.max(peak, db[t][b]);
            }
        }
        BufferedImage image = new BufferedImage(frames, BINS + AXIS_HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int t = 0; t < frames; t++) {
            for (int b = 0; b < BINS; b++) {
                double level = (db[t][b] - (peak - RANGE_DB)) / RANGE_DB;
                image.setRGB(t, BINS - 1 - b, colour(Math.max(0, Math.min(1, level))));
            }
        }
        drawAxis(image, frames, sampleRate);
        return image;
    }

    /** Light-grey strip with a tick per second and its number; ticks at frame column {@code s * rate / hop}. */
    private static void drawAxis(BufferedImage image, int frames, int sampleRate) {
        int grey = 0xE0E0E0;
        int ink = 0x202020;
        for (int x = 0; x < frames; x++) {
            for (int y = BINS; y < BINS + AXIS_HEIGHT; y++) {
                image.setRGB(x, y, grey);
            }
        }
        int columnsPerSecond = sampleRate / HOP;
        for (int s = 0; s * columnsPerSecond < frames; s++) {
            int x = s * columnsPerSecond;
            for (int y = BINS; y < BINS + 4; y++) {
                image.setRGB(x, y, ink);
            }
            String label = Integer.toString(s);
            int left = s == 0 ? x : x - (label.length() * 4 - 1) / 2;
            for (int c = 0; c < label.length(); c++) {
                drawDigit(image, left + 4 * c, BINS + 6, label.charAt(c) - '0', ink);
            }
        }
    }

    private static void drawDigit(BufferedImage image, int x0, int y0, int digit, int rgb) {
        for (int row = 0; row < 5; row++) {
            for (int col = 0; col < 3; col++) {
                int x = x0 + col;
                if ((DIGITS[digit][row] >> (2 - col) & 1) == 1 && x >= 0 && x < image.getWidth()) {
                    image.setRGB(x, y0 + row, rgb);
                }
            }
        }
    }

    /** Piecewise-linear interpolation between the anchors, {@code level} in [0, 1]. */
    static int colour(double level) {
        double pos = level * (COLOURS.length - 1);
        int i = Math.min((int) pos, COLOURS.length - 2);
        double f = pos - i;
        int rgb = 0;
        for (int ch = 0; ch < 3; ch++) {
            int v = (int) Math.round(COLOURS[i][ch] + f * (COLOURS[i + 1][ch] - COLOURS[i][ch]));
            rgb = (rgb << 8) | v;
        }
        return rgb;
    }
}
