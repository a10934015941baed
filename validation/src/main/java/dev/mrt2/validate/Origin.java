package dev.mrt2.validate;

/**
 * Where one reference case came from, for receipts: the file it is stored in (or would be, when it was computed),
 * the source that offered it, and how its inputs were made.
 *
 * @param fixture the fixture file name, e.g. {@code temporal_streaming_carry_64.npz}
 * @param source  {@code fixtures <folder name>} or {@code checkpoint <file name>}; never an absolute path
 * @param inputs  how the inputs were made (seed, generator, file); "as published" when unknown
 */
public record Origin(String fixture, String source, String inputs) {
    public Origin withFixture(String name) {
        return new Origin(name, source, inputs);
    }
}
