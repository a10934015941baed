package dev.mrt2.cli;

import dev.mrt2.convert.checksum.ChecksumManifest;
import dev.mrt2.convert.checksum.ManifestNames;
import dev.mrt2.io.BadInputException;
import dev.mrt2.io.Outputs;
import java.nio.file.Files;
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
            "mrt2 checksum DIR [--manifest FILE|-]  writes DIR/SHA256SUMS (sorted relative paths, sha256sum -c "
                    + "format); --manifest - prints it on stdout",
            "mrt2 checksum --verify MANIFEST [DIR]   checks DIR (default: the manifest's folder); exit 1 names every "
                    + "missing, extra and changed file. Reads what sha256sum writes: './a.txt', '*a.txt', --tag lines, "
                    + "escaped names ('\\\\', '\\n'), -z records; an entry for the manifest itself is skipped.",
            "A symbolic link to a file inside DIR is read as that file; a link that leads outside DIR is refused "
                    + "(exit 3), so a manifest never vouches for a file outside the folder it describes."})
final class Checksum implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "The directory to list (or to verify).")
    Path dir;

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "Where to write the manifest ('-': stdout). Default: DIR/SHA256SUMS.")
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
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + (Files.exists(dir) ? ": not a directory" : ": no such directory"));
        }
        if (manifest != null && manifest.toString().equals("-")) {
            if (output.json) {
                throw new ParameterException(spec.commandLine(), "--manifest - and --json both want stdout; pick one");
            }
            String text = ChecksumManifest.text(ChecksumManifest.scan(dir, null));
            if (!text.isEmpty()) {
                console.result(text.substring(0, text.length() - 1));   // a name may end in a space: strip only '\n'
            }
            return ExitCodes.OK;
        }
        Path target = manifest != null ? manifest : dir.resolve(ChecksumManifest.DEFAULT_NAME);
        Outputs.requireWritableFile(target);
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
            v.missing().forEach(p -> console.result("MISSING " + ManifestNames.printable(p)));
            v.changed().forEach(p -> console.result("CHANGED " + ManifestNames.printable(p)));
            v.extra().forEach(p -> console.result("EXTRA   " + ManifestNames.printable(p)));
            v.skipped().forEach(p -> console.result("SKIPPED " + ManifestNames.printable(p)
                    + " (the manifest itself: a file cannot hold its own hash)"));
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
        m.put("skipped", v.skipped());
        return m;
    }
}
