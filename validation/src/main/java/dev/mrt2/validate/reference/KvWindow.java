package dev.mrt2.validate.reference;

import dev.mrt2.safetensors.Float16;
import java.util.Arrays;

/**
 * One attention block's streaming K/V cache in the SequenceLayers layout (mrt2-model.md §3.5): {@code slots} rows of
 * {@code [H*h]} keys and values plus a validity mask, all invalid at the start.
 * <ul>
 *   <li>{@link Mode#RING} (self-attention): step s writes physical row {@code s mod slots};</li>
 *   <li>{@link Mode#SHIFT} (cross-attention): rows move one up, the new row is appended last, the oldest drops out.</li>
 * </ul>
 * Without positional encoding only the set of valid rows matters, so both hold "the last {@code slots} frames".
 */
final class KvWindow {
    enum Mode { RING, SHIFT }

    private final Mode mode;
    private final int slots;
    private final int width;
    private final boolean roundToFp16;
    final float[] keys;
    final float[] values;
    final boolean[] valid;
    private int step;

    KvWindow(Mode mode, int slots, int width, boolean roundToFp16) {
        this.mode = mode;
        this.slots = slots;
        this.width = width;
        this.roundToFp16 = roundToFp16;
        this.keys = new float[slots * width];
        this.values = new float[slots * width];
        this.valid = new boolean[slots];
    }

    int slots() {
        return slots;
    }

    int step() {
        return step;
    }

    /** Physical row the next {@link #append} writes. */
    int nextRow() {
        return mode == Mode.RING ? step % slots : slots - 1;
    }

    /** Stores this frame's K/V (rounded to FP16 when asked, as the seed's streaming validator does). */
    void append(float[] key, float[] value) {
        if (mode == Mode.SHIFT) {
            System.arraycopy(keys, width, keys, 0, (slots - 1) * width);
            System.arraycopy(values, width, values, 0, (slots - 1) * width);
            System.arraycopy(valid, 1, valid, 0, slots - 1);
        }
        int row = nextRow();
        for (int i = 0; i < width; i++) {
            keys[row * width + i] = roundToFp16 ? Float16.round(key[i]) : key[i];
            values[row * width + i] = roundToFp16 ? Float16.round(value[i]) : value[i];
        }
        valid[row] = true;
        step++;
    }

    void reset() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, 0);
        Arrays.fill(valid, false);
        step = 0;
    }
}
