package dev.mrt2.validate.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.host.StageTimes;
import dev.mrt2.host.audio.InverseStft;
import dev.mrt2.host.decode.WindowedDecoder;
import dev.mrt2.host.noise.SplitMix64;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.validate.reference.ScalarConv2d;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §14.3 on the real decoder architecture (the reference, tiny checkpoint): decoding 40 tokens in windows of 25
 * with hop 11 (13 context tokens) gives the audio of one continuous 40-token decode; hop 12 (the port's 12 context
 * tokens) differs at the first rows of each window.
 */
class ReferenceDecoderWindowsTest {
    static final int TOKENS = 40;
    @TempDir
    static Path dir;
    static Path tiny;
    static int[][] codes;

    @BeforeAll
    static void synth() {
        tiny = dir.resolve("tiny.safetensors");
        Mrt2Synth.write(tiny, Mrt2Dims.tiny(), 9, 1);
        SplitMix64 r = new SplitMix64(4);
        codes = new int[TOKENS][Mrt2Dims.tiny().rvqLevels()];
        for (int[] frame : codes) {
            for (int l = 0; l < frame.length; l++) {
                frame[l] = (int) (r.nextFloat() * Mrt2Dims.tiny().codebookSize());
            }
        }
    }

    static float[][] decode(int window, int hop) {
        // the scalar convolution sums each output in float64 in a fixed order whatever the tensor's length, so
        // equal receptive fields give bit-equal samples
        try (ReferenceAudioDecoder d = ReferenceAudioDecoder.open(tiny, window, new ScalarConv2d())) {
            return WindowedDecoder.decodeAll(d, codes, hop, InverseStft.Window.NORMALIZED, new StageTimes(), null);
        }
    }

    /** Largest |a - b| relative to the largest |b|. */
    static double relativeError(float[][] a, float[][] b) {
        double err = 0;
        double peak = 0;
        for (int ch = 0; ch < b.length; ch++) {
            for (int i = 0; i < b[ch].length; i++) {
                err = Math.max(err, Math.abs(a[ch][i] - b[ch][i]));
                peak = Math.max(peak, Math.abs(b[ch][i]));
            }
        }
        return err / peak;
    }

    @Test
    void hop11WindowsEqualOneContinuousDecodeHop12DoNot() {
        float[][] continuous = decode(TOKENS, 1);
        float[][] hop11 = decode(25, 11);
        float[][] hop12 = decode(25, 12);
        assertEquals(1920 * (TOKENS - 1), continuous[0].length);
        assertEquals(continuous[0].length, hop11[0].length);
        for (int ch = 0; ch < 2; ch++) {
            assertArrayEquals(continuous[ch], hop11[ch], "channel " + ch);
        }
        double port = relativeError(hop12, continuous);
        assertTrue(port > 0, "hop 12 should miss the 13th context token");
    }
}
