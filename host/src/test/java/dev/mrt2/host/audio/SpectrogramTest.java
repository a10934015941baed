package dev.mrt2.host.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spectrogram PNG: size, where a tone lands, the axis strip, same bytes twice. */
class SpectrogramTest {
    @TempDir
    Path dir;

    static float[][] tone(double hz, int samples) {
        float[][] x = new float[2][samples];
        for (int n = 0; n < samples; n++) {
            x[0][n] = (float) Math.sin(2 * Math.PI * hz * n / 48_000);
            x[1][n] = x[0][n];
        }
        return x;
    }

    @Test
    void aToneIsTheBrightestRowAtItsBin() throws Exception {
        int samples = 48_000 * 2;
        Path png = dir.resolve("s.png");
        Spectrogram.write(png, tone(1000, samples), 48_000);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals((samples - 960) / 480 + 1, img.getWidth(), "one column per 10 ms hop");
        assertEquals(480 + Spectrogram.AXIS_HEIGHT, img.getHeight());
        int column = 100;
        int brightest = -1;
        int best = -1;
        for (int y = 0; y < 480; y++) {
            int rgb = img.getRGB(column, y) & 0xFFFFFF;
            int level = (rgb >> 16) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF);
            if (level > best) {
                best = level;
                brightest = y;
            }
        }
        assertEquals(479 - 20, brightest, "1 kHz is bin 20 (50 Hz per bin), drawn from the bottom");
        assertEquals(0x202020, img.getRGB(0, 480) & 0xFFFFFF, "tick at 0 s");
        assertEquals(0x202020, img.getRGB(100, 480) & 0xFFFFFF, "tick at 1 s = column 100");
    }

    @Test
    void sameAudioSamePngBytes() throws Exception {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Spectrogram.write(a, tone(440, 30_000), 48_000);
        Spectrogram.write(b, tone(440, 30_000), 48_000);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }
}
