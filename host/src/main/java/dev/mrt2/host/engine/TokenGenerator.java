package dev.mrt2.host.engine;

/**
 * One frame of corrected generation at a time (mrt2-model.md §3.8, §10): a stateful temporal step and the depth
 * rollout, as the packages run them or as the reference computes them from the checkpoint. The frame loop owns the
 * noise and the order of calls.
 */
public interface TokenGenerator extends AutoCloseable {
    /** D, the temporal model width. */
    int modelDim();

    /** S, the width of {@code source_encoded}. */
    int sourceDim();

    /** L, RVQ levels per frame. */
    int levels();

    /** C, codes per level. */
    int codebookSize();

    /** Frame 0's temporal input {@code sqrt(D) Emb[0]} (§3.1). */
    float[] startInput();

    /** One temporal step: {@code input [D]}, {@code source [S]} to the temporal output {@code [D]}; advances the state. */
    float[] temporalStep(float[] input, float[] source);

    /**
     * The frame's 12 codes from its temporal output with {@code noise [L * C]} (level-major) and the inverse
     * temperature {@code 1 / max(0.05, T)}; the feedback is the next frame's temporal input.
     */
    RolloutFrame rollout(float[] temporalOutput, float[] noise, float inverseTemperature);

    /** The {@code cache_valid_bias} the last temporal step was fed, or null when there is none (the reference). */
    default float[] lastCacheValidBias() {
        return null;
    }

    /**
     * Whether a frame is bound by memory bandwidth rather than arithmetic (the packages stream their weights from memory
     * every frame, and one core nearly saturates it), so that render does better decoding beside the loop on a core of
     * its own than in turns with it. False by default: a loop bound by arithmetic (the reference, whose frames take
     * half the time on two cores) wants every core.
     */
    default boolean boundByMemory() {
        return false;
    }

    /** What runs, for reports. */
    String describe();

    @Override
    void close();
}
