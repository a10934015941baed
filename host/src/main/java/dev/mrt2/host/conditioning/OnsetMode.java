package dev.mrt2.host.conditioning;

/** How played notes become note tokens (mrt2-model.md §15.4). */
public enum OnsetMode {
    /** Mode 0, the engine default (auto-strum): every sounding pitch is 3, the model decides the attacks. */
    AUTO,
    /** Mode 1: 2 (onset) on the frame a note starts, 1 (sustain) while it holds. */
    EXACT
}
