package dev.mrt2.host.render;

/** Audio that is not finite is a failed job, never a file: the first bad sample is named. */
public final class AudioChecks {
    private AudioChecks() {}

    public static void requireFinite(float[][] pcm, String source) {
        for (int a = 0; a < pcm.length; a++) {
            for (int i = 0; i < pcm[a].length; i++) {
                if (!Float.isFinite(pcm[a][i])) {
                    throw new NonFiniteAudioException(source + " produced a non-finite sample (" + pcm[a][i]
                            + ") in channel " + a + " at sample " + i + "; nothing was written");
                }
            }
        }
    }

    /** The decoder chain produced NaN or infinity. */
    public static final class NonFiniteAudioException extends IllegalStateException {
        NonFiniteAudioException(String message) {
            super(message);
        }
    }
}
