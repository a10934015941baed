package dev.mrt2.host.audio;

import dev.mrt2.io.AtomicFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * RIFF/WAVE files of the decoder's audio, written atomically. Samples are {@code 0.5 x} the inverse STFT's output:
 * the float-to-int16 mapping of Google's MLX system (mrt2-model.md §4.8), {@code v = clip(0.5 x, -1, 1)},
 * {@code int16 = rint(32767.5 v - 0.5)}. The float format stores {@code 0.5 x} unclipped, so both formats carry the
 * same level. No timestamps or other metadata: same audio, same bytes.
 */
public final class WavWriter {
    /** The reference system's output gain. */
    public static final float OUTPUT_GAIN = 0.5f;

    private WavWriter() {}

    public static void write(Path file, float[][] channels, int sampleRate, WavFormat format) {
        AtomicFile.write(file, bytes(channels, sampleRate, format));
    }

    /** The whole file: RIFF header, {@code fmt } chunk, a {@code fact} chunk for float, then interleaved samples. */
    public static byte[] bytes(float[][] channels, int sampleRate, WavFormat format) {
        int n = channels[0].length;
        for (float[] c : channels) {
            if (c.length != n) {
                throw new IllegalArgumentException("channels of different lengths: " + n + " and " + c.length);
            }
        }
        int blockAlign = channels.length * format.bits() / 8;
        long dataBytes = (long) n * blockAlign;
        boolean fact = format == WavFormat.F32;
        int fmtBytes = fact ? 18 : 16;
        long riffBytes = 4 + (8 + fmtBytes) + (fact ? 12 : 0) + 8 + dataBytes;
        if (riffBytes > 0xFFFF_FFFFL - 8 || dataBytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(n + " samples per channel do not fit one WAV file");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (8 + riffBytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) riffBytes).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(fmtBytes);
        b.putShort((short) format.tag()).putShort((short) channels.length).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) format.bits());
        if (fact) {
            b.putShort((short) 0);                                 // cbSize: no extension
            b.put(ascii("fact")).putInt(4).putInt(n);              // required for non-PCM formats
        }
        b.put(ascii("data")).putInt((int) dataBytes);
        for (int i = 0; i < n; i++) {
            for (float[] c : channels) {
                float v = OUTPUT_GAIN * c[i];
                if (format == WavFormat.PCM16) {
                    b.putShort(pcm16(v));
                } else {
                    b.putFloat(v);
                }
            }
        }
        return b.array();
    }

    /** {@code rint(32767.5 clip(v, -1, 1) - 0.5)}: -1 to -32768, 1 to 32767, ties to even. */
    static short pcm16(float v) {
        double clipped = Float.isNaN(v) ? 0 : Math.max(-1.0, Math.min(1.0, v));
        return (short) Math.rint(32767.5 * clipped - 0.5);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
