package dev.mrt2.mil.lint;

import dev.mrt2.mil.Model;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Static Neural Engine hazard report of a model's {@code main} function: reads the program only, runs nothing.
 * The rules and their ids:
 * <ul>
 * <li>{@code ANE001-state-write} (warning), {@code ANE002-state-read} (info): in-graph state writes; a stateful graph.</li>
 * <li>{@code ANE010-fp32-compute} (warning): fp32 compute, per op type, or one finding when the graph is all fp32.</li>
 * <li>{@code ANE020-rank-over-5}, {@code ANE021-dim-over-16384} (warnings), {@code ANE022-tensor-over-budget} (info).</li>
 * <li>{@code ANE030-cpu-op}, {@code ANE031-integer-math}, {@code ANE032-bool-logic}, {@code ANE033-large-select}
 * (warnings): ops that usually run on the CPU.</li>
 * <li>{@code ANE040-weight-bytes} (info): constant bytes read on every prediction.</li>
 * </ul>
 * The Neural Engine's rules are not published; apart from the state-write and fp32 findings (measured, mrt2-model.md
 * 6.1.1 and 6.3) these are heuristics, and each finding's {@code why} says which.
 */
public final class PackageLinter {
    private static final List<LintRule> RULES = List.of(
            new StateWriteRule(),
            new Fp32ComputeRule(),
            new TensorLimitRule(),
            new CpuOpRule(),
            new IntegerMathRule(),
            new BoolLogicRule(),
            new LargeSelectRule(),
            new WeightBytesRule());

    private PackageLinter() {}

    public static LintReport lint(Model model) {
        return lint("", model);
    }

    /** Lints {@code model}; {@code path} only labels the report. */
    public static LintReport lint(String path, Model model) {
        ProgramIndex program = new ProgramIndex(model);
        List<Finding> findings = new ArrayList<>();
        for (LintRule rule : RULES) {
            findings.addAll(rule.check(program));
        }
        findings.sort(Comparator.comparing(Finding::rule));   // stable: a rule's findings keep program order
        return new LintReport(path, program.operations().size(), findings);
    }

    /** Reads and lints a package; an unreadable one throws the reader's PackageFormatException naming the problem. */
    public static LintReport lint(Path pkg) {
        try (MlPackage read = MlPackageReader.read(pkg)) {
            return lint(pkg.toString(), read.model());
        }
    }
}
