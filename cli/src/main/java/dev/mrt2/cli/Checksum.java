package dev.mrt2.cli;

import dev.mrt2.convert.checksum.ChecksumManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "checksum", mixinStandardHelpOptions = true,
        header = "Write or verify a sha256 manifest of every file under a directory.",
        description = {
            "mrt2 checksum DIR [--manifest FILE]   writes DIR/SHA256SUMS (sorted relative paths, sha256sum -c format)",
            "mrt2 checksum --verify MANIFEST [DIR]  checks DIR (default: the manifest's folder); exit 1 names every "
                    + "missing, extra and changed file"})
final class Checksum implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "The directory to list (or to verify).")
    Path dir;

    @Option(names = "--manifest", paramLabel = "FILE", description = "Where to write the manifest. Default: DIR/SHA256SUMS.")
    Path manifest;

    @Option(names = "--verify", paramLabel = "MANIFEST", description = "Verify DIR against this manifest instead of writing one.")
    Path verify;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        if (verify != null) {
            if (manifest != null) {
                throw new ParameterException(spec.commandLine(), "--manifest and --verify exclude each other");
            }
            return verify(console);
        }
        if (dir == null) {
            throw new ParameterException(spec.commandLine(), "missing DIR (or --verify MANIFEST)");
        }
        Path target = manifest != null ? manifest : dir.resolve(ChecksumManifest.DEFAULT_NAME);
        List<ChecksumManifest.Entry> entries = ChecksumManifest.write(dir, target);
        if (output.json) {
            Map<String, Object> m = new TreeMap<>();
            m.put("dir", dir.toString());
            m.put("manifest", target.toString());
            m.put("files", entries.stream().map(e -> Map.of("path", e.path(), "sha256", e.sha256())).toList());
            console.json(m);
        } else {
            console.result(target + ": " + entries.size() + " files");
        }
        return ExitCodes.OK;
    }

    private int verify(Console console) {
        Path base = dir != null ? dir : verify.toAbsolutePath().getParent();
        ChecksumManifest.Verification v = ChecksumManifest.verify(verify, base);
        if (output.json) {
            console.json(json(v));
        } else {
            v.missing().forEach(p -> console.result("MISSING " + p));
            v.changed().forEach(p -> console.result("CHANGED " + p));
            v.extra().forEach(p -> console.result("EXTRA   " + p));
            if (v.passed()) {
                console.result(verify + ": OK, " + v.matched() + " files");
            }
        }
        if (!v.passed()) {
            throw new ExitException(ExitCodes.FAILURE, verify + ": verification failed: " + v.problems());
        }
        return ExitCodes.OK;
    }

    static Map<String, Object> json(ChecksumManifest.Verification v) {
        Map<String, Object> m = new TreeMap<>();
        m.put("manifest", v.manifest().toString());
        m.put("dir", v.dir().toString());
        m.put("ok", v.passed());
        m.put("matched", v.matched());
        m.put("missing", v.missing());
        m.put("changed", v.changed());
        m.put("extra", v.extra());
        return m;
    }
}
