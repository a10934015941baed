package dev.mrt2.host.audio;

/** Sample formats {@code mrt2} writes. */
public enum WavFormat {
    /** 16-bit signed PCM (WAVE format 1): what every player reads. */
    PCM16(1, 16),
    /** 32-bit IEEE float (WAVE format 3): no clipping, no quantisation. */
    F32(3, 32);

    private final int tag;
    private final int bits;

    WavFormat(int tag, int bits) {
        this.tag = tag;
        this.bits = bits;
    }

    int tag() {
        return tag;
    }

    int bits() {
        return bits;
    }
}
