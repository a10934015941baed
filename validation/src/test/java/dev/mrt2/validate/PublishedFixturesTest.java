package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import dev.mrt2.validate.fixtures.SeedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port's published fixture set (mrt2-model.md §8.3) read as it is, without a manifest of ours: every case with
 * the shapes the spec quotes; the device fixture alone gives the same stream as the npz; files that disagree are
 * named.
 */
class PublishedFixturesTest {
    @TempDir
    Path tmp;

    @Test
    void theSeedSetOffersTheStreamTheUnrolledCaseAndTheGeneratedTokens() {
        ReferenceSet set = FixtureFolder.read(SeedFixtures.dir());
        assertNull(set.checkpointSha256(), "the published set names no checkpoint");
        assertEquals(64, set.stream().steps());
        assertEquals(1024, set.stream().inputs()[0].length);
        assertEquals(256, set.stream().sources()[63].length);
        assertEquals("temporal_streaming_carry_64.npz", set.stream().origin().fixture());
        assertEquals("fixtures seed-fixtures", set.stream().origin().source());
        ReferenceSet.Unrolled u = set.unrolled();
        assertEquals(2, u.frames());
        assertEquals(11, u.prefix()[1].length);
        assertEquals(12294, u.depthLogits()[1][11].length);
        assertArrayEquals(new int[] {435, 1625, 2990, 3152, 4931, 5887, 6205, 7416, 8258, 9327, 10444, 12265},
                u.tokens()[0]);
        assertEquals(25, set.generated().ids().length);
        assertTrue(set.arms().isEmpty() && set.rollouts().isEmpty() && set.decoder() == null
                && set.codebooks() == null);
    }

    @Test
    void theDeviceFixtureAloneGivesTheSameStream() throws IOException {
        Path only = Files.createDirectories(tmp.resolve("device-only"));
        for (String f : List.of("temporal_streaming_carry_64_device_fixture.json",
                "temporal_streaming_carry_64_reference_outputs_f32.bin",
                "temporal_streaming_carry_64_source_encoded_f32.bin",
                "temporal_streaming_carry_64_temporal_inputs_f32.bin")) {
            Files.copy(SeedFixtures.file(f), only.resolve(f));
        }
        ReferenceSet fromDevice = FixtureFolder.read(only);
        ReferenceSet fromNpz = FixtureFolder.read(SeedFixtures.dir());
        assertEquals("temporal_streaming_carry_64_device_fixture.json", fromDevice.stream().origin().fixture());
        for (int s = 0; s < 64; s += 21) {
            assertArrayEquals(fromNpz.stream().inputs()[s], fromDevice.stream().inputs()[s]);
            assertArrayEquals(fromNpz.stream().outputs()[s], fromDevice.stream().outputs()[s]);
        }
        assertNull(fromDevice.unrolled());
    }

    @Test
    void filesThatDisagreeAreNamed() throws IOException {
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        try (var files = Files.list(SeedFixtures.dir())) {
            for (Path f : files.toList()) {
                Files.copy(f, mixed.resolve(f.getFileName()));
            }
        }
        Path bin = mixed.resolve("temporal_streaming_carry_64_reference_outputs_f32.bin");
        byte[] bytes = Files.readAllBytes(bin);
        bytes[4 * 1024 * 5 + 3] ^= 0x01;   // step 5 of reference_outputs
        Files.write(bin, bytes);
        BadInputException e = assertThrows(BadInputException.class, () -> FixtureFolder.read(mixed));
        assertEquals(mixed.resolve("temporal_streaming_carry_64_device_fixture.json") + ": array "
                + "'reference_outputs' differs from temporal_streaming_carry_64.npz at row 5 (files from different "
                + "runs?)", e.getMessage());

        Files.copy(SeedFixtures.file("temporal_streaming_carry_64_reference_outputs_f32.bin"), bin,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // valid ids of the right shape, but not this set's first row (ids of another width are a damaged file,
        // named by FixtureDims: FixtureReadingTest)
        int[] other = java.util.Arrays.copyOfRange(dev.mrt2.tensor.Npy.read(mixed.resolve(FixtureFiles.TOKENS))
                .ints(), 12, 24);
        dev.mrt2.tensor.Npy.write(mixed.resolve(FixtureFiles.TOKENS), dev.mrt2.tensor.NdArray.i32(new int[] {1, 12},
                other));
        assertTrue(assertThrows(BadInputException.class, () -> FixtureFolder.read(mixed)).getMessage()
                .endsWith("reference_temporal_unrolled.npz: member 'tokens.npy' row 0 is not row 0 of "
                        + "generated_tokens_unique.npy (files from different runs?)"));
    }
}
