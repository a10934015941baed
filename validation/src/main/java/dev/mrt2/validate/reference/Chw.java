package dev.mrt2.validate.reference;

/**
 * A batch-1 NCHW activation of the codec decoder: {@code [C, T, F]} row-major (H = time, W = frequency), the layout
 * DJL's conv2d takes.
 *
 * @param data     {@code [channels, time, freq]}
 * @param channels C
 * @param time     T (height)
 * @param freq     F (width)
 */
public record Chw(float[] data, int channels, int time, int freq) {
    public Chw {
        if (data.length != (long) channels * time * freq) {
            throw new IllegalArgumentException(data.length + " values for [" + channels + ", " + time + ", " + freq
                    + "]");
        }
    }

    public static Chw zeros(int channels, int time, int freq) {
        return new Chw(new float[channels * time * freq], channels, time, freq);
    }

    public int index(int c, int t, int f) {
        return (c * time + t) * freq + f;
    }

    public float at(int c, int t, int f) {
        return data[index(c, t, f)];
    }

    public int plane() {
        return time * freq;
    }

    @Override
    public String toString() {
        return "[" + channels + ", " + time + ", " + freq + "]";
    }
}
