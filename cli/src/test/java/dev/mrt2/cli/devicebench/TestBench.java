package dev.mrt2.cli.devicebench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Shared set-up: a models folder with three (empty) packages and settings that match the recorded results. */
final class TestBench {

    static final List<String> MODELS = List.of("MRT2DepthBody", "MRT2TemporalBody", "SpectroStreamDecoder");
    static final List<ComputeUnits> UNITS = List.of(ComputeUnits.CPU_AND_NEURAL_ENGINE, ComputeUnits.CPU_AND_GPU);

    private TestBench() {
    }

    static Path models(Path dir) throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        // Listed out of order on purpose: the plan sorts them.
        for (String name : List.of(MODELS.get(2), MODELS.get(0), MODELS.get(1))) {
            Path pkg = Files.createDirectories(models.resolve(name + ".mlpackage"));
            Files.writeString(pkg.resolve("Manifest.json"), "{}\n");
        }
        Files.writeString(models.resolve("MODELS.md"), "not a package\n");
        return models;
    }

    /** Phone settings matching results-iphone-ok.json: frames 5, warmups 2, repeats 2, seed 0. */
    static BenchSettings phone(Path dir, String device, Path app, Duration timeout) throws IOException {
        return new BenchSettings(device, models(dir), UNITS, 5, 2, 2, 0L, app, false, timeout,
                app == null ? "ABCDE12345" : null, BenchSettings.DEFAULT_BUNDLE_ID, dir.resolve("device-runner"),
                dir.resolve("out"));
    }

    /** Mac settings matching results-mac-ok.json: one model, cpuOnly, frames 5, warmups 1, repeats 1, seed 2^64-1. */
    static BenchSettings mac(Path dir, Path runner) throws IOException {
        Path models = Files.createDirectories(dir.resolve("mac-models"));
        Files.createDirectories(models.resolve("MRT2TemporalBody.mlpackage"));
        return new BenchSettings(null, models, List.of(ComputeUnits.CPU_ONLY), 5, 1, 1, -1L, runner, true,
                Duration.ofSeconds(30), null, BenchSettings.DEFAULT_BUNDLE_ID, dir.resolve("device-runner"),
                dir.resolve("out"));
    }
}
