package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.convert.checksum.ChecksumManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden manifests (fixtures/golden) pin every byte we emit: a conversion of the tiny seed-0 checkpoint matches its
 * manifest, and a change to any output byte, or to a converter setting, fails the check naming exactly the files that
 * changed. The full-size manifest is checked by {@code scripts/golden verify small} in CI.
 */
class GoldenBytesTest {
    @TempDir
    static Path shared;
    static Path checkpoint;
    static Path converted;

    @TempDir
    Path dir;

    static Path goldenFile(String preset) {
        return Path.of(System.getProperty("mrt2.repo.dir", ".")).resolve("fixtures/golden/" + preset + "-seed0.SHA256SUMS");
    }

    @BeforeAll
    static void convertTinySeed0() {
        checkpoint = shared.resolve("mrt2_tiny_seed0.safetensors");
        CliRun synth = CliRun.of("synth", "--preset", "tiny", "--seed", "0", "--out", checkpoint.toString(), "-q");
        assertEquals(0, synth.code(), synth.toString());
        converted = shared.resolve("artifacts");
        CliRun convert = CliRun.of("convert", "--checkpoint", checkpoint.toString(), "--out", converted.toString(), "-q");
        assertEquals(0, convert.code(), convert.toString());
    }

    @Test
    void theJarCarriesTheRepositorysGoldenManifest() throws IOException {
        List<ChecksumManifest.Entry> packed = GoldenManifests.find(Preset.tiny, 0).orElseThrow();
        assertEquals(ChecksumManifest.read(goldenFile("tiny")), packed);
        assertTrue(packed.size() > 30, "every piece of both generations: " + packed.size());
        assertTrue(GoldenManifests.find(Preset.tiny, 1).isEmpty(), "only seed 0 is pinned");
    }

    @Test
    void aConversionOfTheTinyCheckpointReproducesEveryGoldenByte() {
        CliRun r = CliRun.of("checksum", "--verify", goldenFile("tiny").toString(), converted.toString());
        assertEquals(ExitCodes.OK, r.code(), r.toString());
    }

    @Test
    void oneChangedByteOfOnePackageFailsNamingThatFile() throws IOException {
        Path copy = dir.resolve("copy");
        TestFiles.copyTree(converted, copy);
        Path weights = copy.resolve("MRT2DepthBody.mlpackage/Data/com.apple.CoreML/weights/weight.bin");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 1;
        Files.write(weights, bytes);
        CliRun r = CliRun.of("checksum", "--verify", goldenFile("tiny").toString(), copy.toString());
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertEquals(List.of("CHANGED MRT2DepthBody.mlpackage/Data/com.apple.CoreML/weights/weight.bin"),
                r.out().lines().toList(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).endsWith("changed: MRT2DepthBody.mlpackage/Data/com.apple.CoreML/weights/weight.bin"),
                r.toString());
    }

    @Test
    void aChangedConverterSettingFailsNamingTheFilesItChanged() {
        // the decoders' frame count is a converter setting: only the decoder programs, their metadata and the
        // folder's index and manifest may change; no temporal, depth or codebook byte
        Path out = dir.resolve("frames24");
        CliRun convert = CliRun.of("convert", "--checkpoint", checkpoint.toString(), "--out", out.toString(), "-q",
                "--decoder-frames", "24");
        assertEquals(0, convert.code(), convert.toString());
        ChecksumManifest.Verification v = ChecksumManifest.verify(goldenFile("tiny"), out);
        assertFalse(v.passed());
        assertEquals(List.of(), v.missing());
        assertEquals(List.of(), v.extra());
        assertTrue(v.changed().contains("SpectroStreamDecoder.mlpackage/Data/com.apple.CoreML/model.mlmodel"), v.problems());
        assertTrue(v.changed().contains("SpectroStreamDecoder.f16.mlpackage/Data/com.apple.CoreML/model.mlmodel"),
                v.problems());
        for (String path : v.changed()) {
            assertTrue(path.startsWith("SpectroStreamDecoder") || path.equals("MODELS.md") || path.equals("SHA256SUMS"),
                    "a decoder setting changed " + path);
        }
    }
}
