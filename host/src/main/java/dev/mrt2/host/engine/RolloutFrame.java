package dev.mrt2.host.engine;

/**
 * One frame's sampled codes and the next frame's temporal input.
 *
 * @param codes    codebook-local codes {@code [L]}, 0..C-1
 * @param feedback {@code [D]} the mean over levels of {@code sqrt(D) Emb[6 + C l + code_l]} (§3.1)
 */
public record RolloutFrame(int[] codes, float[] feedback) {}
