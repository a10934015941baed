package dev.mrt2.cli;

import dev.mrt2.mil.MilException;
import dev.mrt2.mil.ProgramText;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import dev.mrt2.mil.pkg.PackageSummary;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        header = "Show what a .mlpackage holds: versions, inputs, outputs, states, ops, constants, metadata.",
        description = {
            "Reads and checks any ML Program package (ours or coremltools'); a malformed one exits 3 with the problem.",
            "-v also prints the program, one op per line, on stderr; --program prints it with the result."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Parameters(paramLabel = "PKG", description = "The .mlpackage directory.")
    Path pkg;

    @Option(names = "--program", description = "Include the program text (a \"program\" member with --json).")
    boolean program;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        try (MlPackage read = MlPackageReader.read(pkg)) {
            PackageSummary summary = PackageSummary.of(read);
            String text = ProgramText.of(read.model());
            console.detail(text.stripTrailing());
            if (output.json) {
                SortedMap<String, Object> document = summary.toMap();
                if (program) {
                    document.put("program", text);
                }
                console.json(document);
            } else {
                console.result(summary.toText().stripTrailing());
                if (program) {
                    console.result(text.stripTrailing());
                }
            }
            return ExitCodes.OK;
        } catch (MilException e) {
            // the reader's message already names the package, the file inside it and the problem
            throw new ExitException(ExitCodes.BAD_INPUT, e.getMessage());
        }
    }
}
