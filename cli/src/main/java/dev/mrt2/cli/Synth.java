package dev.mrt2.cli;

import dev.mrt2.io.OutputException;
import dev.mrt2.io.Outputs;
import dev.mrt2.io.Progress;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.model.Mrt2Layout;
import dev.mrt2.model.Mrt2Synth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
        description = "Same preset and seed give the same bytes, whatever the thread count. The default preset is "
                + "tiny (3 MB, seconds); --preset small writes the full-size 1.13 GB file.")
final class Synth implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Option(names = "--preset", defaultValue = "tiny",
            description = "tiny (same keys, small widths, 3 MB) or small (full size, about 1.13 GB). "
                    + "Default: ${DEFAULT-VALUE}.")
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
        Outputs.requireWritableFile(out);
        console.progress("synth: writing " + preset + " checkpoint (seed " + seed + ") to " + out);
        Result r = write(out, preset, seed, n, console.tasks());
        if (output.json) {
            console.json(r.json());
        } else {
            console.result(String.format(Locale.ROOT, "%s: %d keys, %d bytes, sha256 %s (write %.2f s, sha256 %.2f s)",
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

    static Result write(Path out, Preset preset, long seed, int threads, Progress progress) {
        requireSpace(out, Mrt2Synth.fileSize(preset.dims()));
        long t0 = System.nanoTime();
        long bytes;
        try (Progress.Task task = progress.start("synth", Mrt2Synth.dataBytes(preset.dims()) / 1_000_000, "MB")) {
            long[] done = new long[2];   // bytes written, MB reported
            bytes = Mrt2Synth.write(out, preset.dims(), seed, threads, b -> {
                synchronized (done) {
                    done[0] += b;
                    task.advance(done[0] / 1_000_000 - done[1]);
                    done[1] = done[0] / 1_000_000;
                }
            });
        }
        long t1 = System.nanoTime();
        String sha = Digests.sha256(out);
        long t2 = System.nanoTime();
        return new Result(out, preset, seed, Mrt2Layout.keys(preset.dims()).size(), bytes, sha,
                (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    /**
     * The file is written through a memory mapping, where a full disk is a fatal signal rather than an error; so the
     * free space is checked first (with the temp file beside the target, the file needs its size free).
     */
    private static void requireSpace(Path out, long bytes) {
        Path dir = out.toAbsolutePath().getParent();
        while (dir != null && !Files.isDirectory(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return;
        }
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < bytes) {
                throw OutputException.of(out, "cannot write: no space left on device (needs " + bytes
                        + " bytes, " + free + " free)");
            }
        } catch (IOException e) {
            // the write itself will report the problem
        }
    }
}
