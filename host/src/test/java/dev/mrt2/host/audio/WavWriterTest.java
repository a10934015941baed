package dev.mrt2.host.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

/** WAV files read back by the JDK's own javax.sound.sampled. */
class WavWriterTest {
    static final float[][] AUDIO = {{0, 1, 2, -2, 4, -1e-5f}, {0.5f, -1, 0.25f, 3, -4, 1e-5f}};

    @Test
    void pcm16ReadsBackAs48kHzStereoWithTheReferenceInt16Mapping() throws Exception {
        byte[] wav = WavWriter.bytes(AUDIO, 48_000, WavFormat.PCM16);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat f = in.getFormat();
            assertEquals(AudioFormat.Encoding.PCM_SIGNED, f.getEncoding());
            assertEquals(48_000f, f.getSampleRate());
            assertEquals(2, f.getChannels());
            assertEquals(16, f.getSampleSizeInBits());
            assertEquals(6, in.getFrameLength());
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            short[] got = new short[12];
            b.asShortBuffer().get(got);
            // v = clip(0.5 x, -1, 1), rint(32767.5 v - 0.5): 0 -> 0 (rint(-0.5) = -0), 0.5 -> 16383, 1 -> 32767,
            // -1 -> -32768, 2 -> 32767 (clipped), 0.25 -> 8191; tiny values round to 0 or -1
            assertArrayEquals(new short[] {0, 8191, 16383, -16384, 32767, 4095, -32768, 32767, 32767, -32768, -1, 0},
                    got);
        }
    }

    @Test
    void floatFormatKeepsTheSameLevelUnclipped() throws Exception {
        byte[] wav = WavWriter.bytes(AUDIO, 48_000, WavFormat.F32);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat f = in.getFormat();
            assertEquals(AudioFormat.Encoding.PCM_FLOAT, f.getEncoding());
            assertEquals(2, f.getChannels());
            assertEquals(32, f.getSampleSizeInBits());
            assertEquals(6, in.getFrameLength());
            float[] got = new float[12];
            ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got);
            assertEquals(0.5f * 4, got[8], "not clipped");
            assertEquals(0.5f * -4, got[9]);
            assertEquals(0.25f, got[1]);
        }
    }

    @Test
    void sameAudioSameBytes() {
        assertArrayEquals(WavWriter.bytes(AUDIO, 48_000, WavFormat.PCM16), WavWriter.bytes(AUDIO, 48_000,
                WavFormat.PCM16));
        assertEquals(44 + 6 * 4, WavWriter.bytes(AUDIO, 48_000, WavFormat.PCM16).length);
    }
}
