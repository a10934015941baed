package dev.mrt2.cli.devicebench;

import java.nio.file.Path;
import java.util.List;

/**
 * The exact external commands of one run, in order, and the local files they produce. {@code --dry-run} prints
 * {@link #steps()}; a real run executes the same list, so what is printed is what runs.
 *
 * @param steps        commands in execution order
 * @param models       model names (package file names without ".mlpackage"), sorted
 * @param devicesJson  where {@code devicectl list devices} writes its JSON (null with --mac)
 * @param lockJson     where {@code devicectl device info lockState} writes its JSON (null with --mac)
 * @param app          the runner that is installed (iOS) or executed (--mac)
 * @param resultsFile  where the runner's results JSON lands on this machine
 * @param appArguments the arguments the runner receives, after its marker
 */
public record BenchPlan(
        List<PlanStep> steps,
        List<String> models,
        Path devicesJson,
        Path lockJson,
        Path app,
        Path resultsFile,
        List<String> appArguments) {

    public BenchPlan {
        steps = List.copyOf(steps);
        models = List.copyOf(models);
        appArguments = List.copyOf(appArguments);
    }

    public List<PlanStep> stepsOf(PlanStep.Kind kind) {
        return steps.stream().filter(s -> s.kind() == kind).toList();
    }
}
