package dev.mrt2.host.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mrt2.host.StageTimes;
import dev.mrt2.host.audio.InverseStft;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window plumbing on a stand-in decoder whose reach is known: output row r (the audio of token k = r / 4) sums
 * the embeddings of tokens k - 13 .. k + 1 of its window (zero outside it), like the codec's 13-token receptive field
 * and one-token lookahead (spec §14.3). 13 context tokens then reproduce one continuous decode exactly; 12 do not.
 */
class WindowedDecoderTest {
    static final int REACH = 13;

    /** Levels 1, codes 0..7, embedding width 1: embedding = code + 1. */
    record ReachDecoder(int frames) implements AudioDecoder {
        @Override
        public int levels() {
            return 1;
        }

        @Override
        public int codebookSize() {
            return 8;
        }

        @Override
        public float[] embed(int[] codes) {
            return new float[] {codes[0] + 1};
        }

        @Override
        public float[] decode(float[][] embeddings) {
            int rows = 4 * frames - 4;
            float[] out = new float[rows * InverseStft.FRAME_VALUES];
            for (int r = 0; r < rows; r++) {
                int k = r / 4;
                float sum = 0;
                for (int j = Math.max(0, k - REACH); j <= k + 1; j++) {
                    sum += embeddings[j][0] * (k - j + 2);   // depends on distance only, like a convolution
                }
                for (int b = 0; b < InverseStft.BINS; b += 37) {
                    out[r * InverseStft.FRAME_VALUES + b * 4 + (r % 4)] = sum * (1 + 0.01f * b);
                }
            }
            return out;
        }

        @Override
        public String describe() {
            return "reach-" + REACH + " stand-in";
        }

        @Override
        public void close() {}
    }

    static int[][] codes(int frames) {
        int[][] c = new int[frames][1];
        for (int t = 0; t < frames; t++) {
            c[t][0] = (t * 5 + 3) % 8;
        }
        return c;
    }

    static float[][] decode(int frames, int window, int hop) {
        return WindowedDecoder.decodeAll(new ReachDecoder(window), codes(frames), hop, InverseStft.Window.NORMALIZED,
                new StageTimes(), null);
    }

    @Test
    void hop11EqualsOneContinuousDecodeAndHop12DoesNot() {
        int frames = 60;
        float[][] continuous = decode(frames, frames, 1);
        float[][] hop11 = decode(frames, 25, 11);
        float[][] hop12 = decode(frames, 25, 12);
        assertEquals(1920 * (frames - 1), continuous[0].length);
        for (int a = 0; a < 2; a++) {
            assertArrayEquals(continuous[a], hop11[a], "channel " + a);
        }
        assertFalse(Arrays.equals(continuous[0], hop12[0]) && Arrays.equals(continuous[1], hop12[1]),
                "12 context tokens must miss the 13th token back");
    }

    @Test
    void exactlyTTokensAreOneDecodeFollowedByTheChunkInverseStft() {
        ReachDecoder decoder = new ReachDecoder(25);
        int[][] codes = codes(25);
        float[][] embeddings = new float[25][];
        for (int t = 0; t < 25; t++) {
            embeddings[t] = decoder.embed(codes[t]);
        }
        float[] stft = decoder.decode(embeddings);
        float[][] chunk = InverseStft.chunk(dev.mrt2.tensor.NdArray.f32(new int[] {1, 96, 480, 4}, stft),
                InverseStft.Window.NORMALIZED);
        float[][] pcm = decode(25, 25, 11);
        assertEquals((4 * 25 - 4) * 480, pcm[0].length);
        assertArrayEquals(chunk[0], pcm[0]);
        assertArrayEquals(chunk[1], pcm[1]);
    }

    @Test
    void listenerSeesEveryWindowAndThePaddingOfAShortSequence() {
        List<int[]> seen = new ArrayList<>();
        float[][] pcm = WindowedDecoder.decodeAll(new ReachDecoder(25), codes(10), 11, InverseStft.Window.NORMALIZED,
                new StageTimes(), (i, w, emb, stft, out) -> {
                    seen.add(new int[] {i, w.start(), w.rows(), emb.length, out[0].length});
                    assertEquals(0f, emb[24][0], "zero rows past the last token");
                });
        assertEquals(1, seen.size());
        assertArrayEquals(new int[] {0, 0, 36, 25, 36 * 480}, seen.get(0));
        assertEquals(1920 * 9, pcm[0].length);
    }
}
