package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.tensor.Npy;
import dev.mrt2.tensor.Npz;
import dev.mrt2.validate.fixtures.SeedFixtures;
import dev.mrt2.host.noise.Gumbel;
import dev.mrt2.host.noise.SplitMix64;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The deterministic inputs of a validation run. Where the seed fixtures' tensors fit the checkpoint's shapes they
 * are used as they are (realistic values, and the seed's own 64-step stream); otherwise values come from
 * {@link SplitMix64} seeded with the run's seed, so every host regenerates them bit for bit. Each method says where
 * its values came from in the {@code provenance} it returns.
 */
final class InputFactory {
    /** Standard deviation of the seed's synthetic streaming inputs, N(0, 0.15). */
    static final double STREAM_STD = 0.15;

    private final Mrt2Dims dims;
    private final long seed;
    private final Path seedFixtures;

    /** @param seedFixtures the seed-fixtures folder, or null to generate everything */
    InputFactory(Mrt2Dims dims, long seed, Path seedFixtures) {
        this.dims = dims;
        this.seed = seed;
        this.seedFixtures = seedFixtures != null && Files.isDirectory(seedFixtures) ? seedFixtures : null;
    }

    record Stream(float[][] inputs, float[][] sources, String provenance) {}

    /** {@code steps} streaming inputs: the seed's 64-step stream when D = 1024, S = 256 and steps = 64. */
    Stream temporalStream(int steps) {
        Path file = seedFile(SeedFixtures.STREAMING);
        if (file != null && steps == 64 && dims.temporalDim() == 1024 && dims.sourceDim() == 256) {
            var npz = Npz.read(file);
            NdArray x = SeedArrays.floats(member(file, "temporal_inputs"), Npz.member(npz, file, "temporal_inputs"),
                    steps, 1, 1, 1024);
            NdArray s = SeedArrays.floats(member(file, "source_encoded"), Npz.member(npz, file, "source_encoded"),
                    steps, 1, 1, 256);
            return new Stream(rows(x, steps, 1024), rows(s, steps, 256),
                    SeedFixtures.STREAMING + " (numpy default_rng(20260718), N(0, 0.15))");
        }
        SplitMix64 rng = new SplitMix64(seed);
        float[][] x = gaussianRows(rng, steps, dims.temporalDim());
        float[][] s = gaussianRows(rng, steps, dims.sourceDim());
        return new Stream(x, s, "SplitMix64(" + seed + ") Box-Muller N(0, 0.15): temporal rows, then source rows");
    }

    record Conditioning(float[] row, String provenance) {}

    /** One realistic conditioning row, repeated for every frame as the exporter does: the seed's when S = 256. */
    Conditioning conditioning() {
        Path file = seedFile(SeedFixtures.UNROLLED);
        if (file != null && dims.sourceDim() == 256) {
            NdArray src = SeedArrays.floats(member(file, "source_encoded"),
                    Npz.member(Npz.read(file), file, "source_encoded"), 1, -1, 256);
            return new Conditioning(Arrays.copyOf(src.floats(), 256),
                    SeedFixtures.UNROLLED + ":source_encoded[0, 0] (fixture conditioning of mrt2-model.md §7)");
        }
        SplitMix64 rng = new SplitMix64(seed + 1);
        return new Conditioning(gaussianRows(rng, 1, dims.sourceDim())[0],
                "SplitMix64(" + (seed + 1) + ") Box-Muller N(0, 0.15), one row");
    }

    /** Gumbel noise {@code [frames][L][C]} for a sampling arm, drawn row-major from SplitMix64(seed + salt). */
    float[][][] gumbel(int frames, long salt) {
        SplitMix64 rng = new SplitMix64(seed + salt);
        float[][][] g = new float[frames][][];
        for (int f = 0; f < frames; f++) {
            g[f] = Gumbel.noise(rng, dims.rvqLevels(), dims.codebookSize());
        }
        return g;
    }

    String gumbelProvenance(long salt) {
        return "SplitMix64(" + (seed + salt) + "), g = -ln(-ln(max(u, 1e-7))), [frame][level][code] row-major";
    }

    record Codes(int[][] codes, String provenance) {}

    /** Raw codes {@code [frames][L]}: the seed's generated tokens when C = 1024, L = 12 and frames <= 25. */
    Codes decoderCodes(int frames) {
        Path file = seedFile(SeedFixtures.TOKENS);
        int levels = dims.rvqLevels();
        if (file != null && dims.codebookSize() == 1024 && levels == 12 && frames <= 25) {
            int[] ids = SeedArrays.ids(file.toString(), Npy.read(file), frames, levels, 1024).ints();
            int[][] codes = new int[frames][levels];
            for (int t = 0; t < frames; t++) {
                for (int l = 0; l < levels; l++) {
                    codes[t][l] = ids[t * levels + l] - Mrt2Constants.RESERVED_TOKENS - 1024 * l;
                }
            }
            return new Codes(codes, SeedFixtures.TOKENS + " first " + frames + " rows, code = id - 6 - 1024 level");
        }
        SplitMix64 rng = new SplitMix64(seed + 2);
        int[][] codes = new int[frames][levels];
        for (int[] row : codes) {
            for (int l = 0; l < levels; l++) {
                row[l] = (int) (rng.nextFloat() * dims.codebookSize());
            }
        }
        return new Codes(codes, "SplitMix64(" + (seed + 2) + ") uniform codes");
    }

    /** How an error names an npz member, as Npz does. */
    private static String member(Path file, String name) {
        return file + ": member '" + name + ".npy'";
    }

    private Path seedFile(String name) {
        if (seedFixtures == null) {
            return null;
        }
        Path f = seedFixtures.resolve(name);
        return Files.isRegularFile(f) ? f : null;
    }

    private static float[][] gaussianRows(SplitMix64 rng, int n, int width) {
        float[][] out = new float[n][width];
        for (float[] row : out) {
            for (int i = 0; i < width; i++) {
                row[i] = (float) (STREAM_STD * rng.nextGaussian());
            }
        }
        return out;
    }

    private static float[][] rows(NdArray a, int n, int width) {
        float[] v = a.floats();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(v, i * width, (i + 1) * width);
        }
        return out;
    }
}
