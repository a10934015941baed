package dev.mrt2.cli;

import dev.mrt2.model.Mrt2Dims;

/** Named checkpoint sizes for {@code synth} and {@code demo}. */
enum Preset {
    /** The real mrt2_small layout, about 1.13 GB. */
    small,
    /** Every key and the same structure with small widths: a few MB, converts in seconds. */
    tiny;

    Mrt2Dims dims() {
        return this == small ? Mrt2Dims.small() : Mrt2Dims.tiny();
    }
}
