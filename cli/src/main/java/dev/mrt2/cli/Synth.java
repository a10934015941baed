package dev.mrt2.cli;

import dev.mrt2.convert.checksum.Sha256;
import dev.mrt2.model.Mrt2Layout;
import dev.mrt2.model.Mrt2Synth;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synth", mixinStandardHelpOptions = true,
        header = "Write a synthetic MRT2 checkpoint: every key and shape of mrt2_small, seeded values.",
        description = "Same preset and seed give the same bytes, whatever the thread count.")
final class Synth implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Option(names = "--preset", defaultValue = "small",
            description = "small (full size, about 1.13 GB) or tiny (same keys, small widths). Default: ${DEFAULT-VALUE}.")
    Preset preset;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "PRNG seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .safetensors file to write.")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Fill threads. Default: one per processor.")
    Integer threads;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        console.progress("synth: writing " + preset + " checkpoint (seed " + seed + ") to " + out);
        Result r = write(out, preset, seed, n);
        if (output.json) {
            console.json(r.json());
        } else {
            console.result(String.format("%s: %d keys, %d bytes, sha256 %s (write %.2f s, sha256 %.2f s)",
                    out, r.keys(), r.bytes(), r.sha256(), r.writeSeconds(), r.hashSeconds()));
        }
        return ExitCodes.OK;
    }

    /** What one synth run produced; shared with {@code demo}. */
    record Result(Path file, Preset preset, long seed, int keys, long bytes, String sha256, double writeSeconds,
                  double hashSeconds) {
        Map<String, Object> json() {
            Map<String, Object> m = new TreeMap<>();
            m.put("file", file.toString());
            m.put("preset", preset.name());
            m.put("seed", seed);
            m.put("keys", keys);
            m.put("bytes", bytes);
            m.put("sha256", sha256);
            m.put("seconds_write", writeSeconds);
            m.put("seconds_sha256", hashSeconds);
            return m;
        }
    }

    static Result write(Path out, Preset preset, long seed, int threads) {
        long t0 = System.nanoTime();
        long bytes = Mrt2Synth.write(out, preset.dims(), seed, threads);
        long t1 = System.nanoTime();
        String sha = Sha256.of(out);
        long t2 = System.nanoTime();
        return new Result(out, preset, seed, Mrt2Layout.keys(preset.dims()).size(), bytes, sha,
                (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
}
