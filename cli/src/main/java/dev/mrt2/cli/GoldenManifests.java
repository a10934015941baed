package dev.mrt2.cli;

import dev.mrt2.convert.checksum.ChecksumManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The reference bytes of the synthetic checkpoints' conversions: {@code fixtures/golden/<preset>-seed<N>.SHA256SUMS},
 * the {@code SHA256SUMS} of a full {@code mrt2 convert} (both generations and the codebooks) of {@code mrt2 synth
 * --preset <preset> --seed <N>}, packed into the jar so {@code mrt2 demo} can tell a user on any machine whether it
 * produces exactly those bytes. {@code scripts/update-golden} rewrites them; nobody edits a hash by hand.
 */
final class GoldenManifests {
    private GoldenManifests() {}

    /** The file name of a preset and seed's golden manifest, in fixtures/golden and in the jar's golden/ folder. */
    static String name(Preset preset, long seed) {
        return preset + "-seed" + seed + ".SHA256SUMS";
    }

    /** The golden entries, or empty when no conversion of this preset and seed is pinned. */
    static Optional<List<ChecksumManifest.Entry>> find(Preset preset, long seed) {
        String name = name(preset, seed);
        try (InputStream in = GoldenManifests.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Optional.of(ChecksumManifest.parse(label(preset, seed), text));
        } catch (IOException e) {
            throw new UncheckedIOException("golden/" + name + ": cannot read from the jar: " + e.getMessage(), e);
        }
    }

    /** How reports name the manifest: its place in the repository. */
    static Path label(Preset preset, long seed) {
        return Path.of("fixtures", "golden", name(preset, seed));
    }
}
