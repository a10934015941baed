package dev.mrt2.mil.lint;

import java.util.List;

/** One family of hazards. A rule only reads the program; it emits its findings in program order of their first op. */
interface LintRule {
    List<Finding> check(ProgramIndex program);
}
