package dev.mrt2.host.engine;

/**
 * The host ring of the carry temporal step (MODELS.md section 10.1, mrt2-model.md §6.2.2): a cache's rows stay in
 * chronological order, oldest first; while the 41-row window fills, the frame's update goes to row {@code valid}
 * ({@code = min(step, 41)}), afterwards rows 1..40 shift down to 0..39 and the update goes to row 40.
 */
public final class CarryRing {
    private CarryRing() {}

    /** Files {@code row} (one {@code [H h]} update) into {@code cache} ({@code [41, H h]}) at step {@code valid}. */
    public static void file(float[] cache, float[] row, int valid) {
        int width = row.length;
        int window = cache.length / width;
        if (valid < window) {
            System.arraycopy(row, 0, cache, valid * width, width);
        } else {
            System.arraycopy(cache, width, cache, 0, (window - 1) * width);
            System.arraycopy(row, 0, cache, (window - 1) * width, width);
        }
    }
}
