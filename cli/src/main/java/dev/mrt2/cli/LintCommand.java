package dev.mrt2.cli;

import dev.mrt2.mil.MilException;
import dev.mrt2.mil.lint.LintReport;
import dev.mrt2.mil.lint.PackageLinter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lint", mixinStandardHelpOptions = true,
        header = "Report what will keep a .mlpackage off the Neural Engine, with the ops involved.",
        description = {
            "Static: reads the program, runs nothing. Rules: ANE001 in-graph state writes (ANE002 states only read), "
                    + "ANE010 fp32 compute, ANE020-022 rank > 5, an axis > 16384, activations over 16 MiB, "
                    + "ANE030-033 ops that usually run on the CPU (gathers, top-k, argmax, cumsum, integer math, "
                    + "bool logic, large selects), ANE040 constant bytes read per prediction.",
            "Each finding names every op involved and says why. Exit 0 even with warnings; with --strict any "
                    + "warning exits 1. A malformed package exits 3."})
final class LintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Parameters(paramLabel = "PKG", description = "The .mlpackage directory.")
    Path pkg;

    @Option(names = "--strict", description = "Exit 1 when there is any warning (infos never fail).")
    boolean strict;

    @Option(names = "--max-ops", defaultValue = "10", paramLabel = "N",
            description = "Op names shown per finding in text output; 0 shows all (--json always lists all). "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxOps;

    @Override
    public Integer call() {
        if (maxOps < 0) {
            throw new ParameterException(spec.commandLine(), "--max-ops must be 0 or more, got " + maxOps);
        }
        Console console = Console.of(spec);
        LintReport report;
        try {
            report = PackageLinter.lint(pkg);
        } catch (MilException e) {
            // the reader's message already names the package, the file inside it and the problem
            throw new ExitException(ExitCodes.BAD_INPUT, e.getMessage());
        }
        if (output.json) {
            console.json(report.toMap());
        } else {
            console.result(report.toText(maxOps).stripTrailing());
        }
        if (strict && report.hasWarnings()) {
            throw new ExitException(ExitCodes.FAILURE, pkg + ": " + report.warnings()
                    + " Neural Engine warning(s) with --strict");
        }
        return ExitCodes.OK;
    }
}
