package dev.mrt2.cli.devicebench;

import dev.mrt2.validate.FixtureComparison;
import dev.mrt2.validate.Gate;
import java.util.List;

/**
 * The device-side fixture comparison of one run: {@code fixture_comparisons} rows (one per temporal model and compute
 * units) and the stream gates of {@code mrt2 validate}.
 *
 * @param fixture the fixture file the expected values came from
 * @param source  the fixtures folder, e.g. {@code fixtures seed-fixtures}
 * @param steps   streaming steps the runner fed
 */
public record FixtureReport(String fixture, String source, int steps, List<FixtureComparison> comparisons,
                            List<Gate> gates) {
    public FixtureReport {
        comparisons = List.copyOf(comparisons);
        gates = List.copyOf(gates);
    }

    public List<Gate> failedGates() {
        return gates.stream().filter(g -> !g.passed()).toList();
    }
}
