package dev.mrt2.cli.devicebench;

import dev.mrt2.cli.devicebench.PlanStep.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns settings and the list of packages into the exact command plan. Every path in it is derived from the
 * options, never from the clock or a random name, so {@code --dry-run} prints what a real run executes.
 */
public final class PlanBuilder {

    /** Xcode project, target and product of the iOS runner app (device-runner/). */
    public static final String XCODE_PROJECT = "Mrt2DeviceBench.xcodeproj";
    public static final String XCODE_TARGET = "Mrt2DeviceBench";
    /** SwiftPM executable product of the macOS runner. */
    public static final String MAC_PRODUCT = "mrt2-bench";
    /** First argument the runner looks for; everything after it is the runner's own option list. */
    public static final String RUNNER_MARKER = "--mrt2-bench";
    /** The runner's folder inside the app's Documents directory. */
    public static final String REMOTE_DIR = "mrt2-bench";

    static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DEVICECTL_TIMEOUT = Duration.ofSeconds(60);
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
    static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(10);

    private PlanBuilder() {
    }

    public static BenchPlan build(BenchSettings s, List<Path> packages) {
        return build(s, packages, null);
    }

    /**
     * @param fixture the device fixture files (names, manifest first) the runner streams through every temporal
     *                model, written to {@code work/fixture/} before the plan runs; null for timing only
     */
    public static BenchPlan build(BenchSettings s, List<Path> packages, List<String> fixture) {
        Path work = s.workDir();
        Path compiled = work.resolve("compiled");
        List<String> models = packages.stream().map(ModelPackages::modelName).toList();
        List<PlanStep> steps = new ArrayList<>();
        for (Path pkg : packages) {
            steps.add(new PlanStep(Kind.COMPILE_MODEL, ModelPackages.modelName(pkg),
                    List.of("xcrun", "coremlcompiler", "compile", pkg.toString(), compiled.toString()),
                    COMPILE_TIMEOUT));
        }
        return s.mac() ? macPlan(s, models, steps, compiled, fixture)
                : devicePlan(s, models, steps, compiled, fixture);
    }

    /** Where the device fixture is written on this machine. */
    public static Path fixtureDir(BenchSettings s) {
        return s.workDir().resolve(FixtureBench.REMOTE_DIR);
    }

    private static BenchPlan devicePlan(BenchSettings s, List<String> models, List<PlanStep> steps, Path compiled,
                                        List<String> fixture) {
        Path work = s.workDir();
        Path devicesJson = work.resolve("devices.json");
        Path lockJson = work.resolve("lockstate.json");
        Path results = work.resolve("results.json");
        String device = s.device();
        steps.add(new PlanStep(Kind.LIST_DEVICES, device,
                List.of("xcrun", "devicectl", "list", "devices", "--json-output", devicesJson.toString()),
                DEVICECTL_TIMEOUT));
        steps.add(new PlanStep(Kind.LOCK_STATE, device,
                List.of("xcrun", "devicectl", "device", "info", "lockState", "--device", device,
                        "--json-output", lockJson.toString()),
                DEVICECTL_TIMEOUT));
        Path app = s.app();
        if (app == null) {
            Path symroot = work.resolve("build");
            app = symroot.resolve("Release-iphoneos").resolve(XCODE_TARGET + ".app");
            steps.add(new PlanStep(Kind.BUILD_APP, XCODE_TARGET, List.of(
                    "xcrun", "xcodebuild",
                    "-project", s.runnerDir().resolve(XCODE_PROJECT).toString(),
                    "-target", XCODE_TARGET,
                    "-configuration", "Release",
                    "-sdk", "iphoneos",
                    "-allowProvisioningUpdates",
                    "SYMROOT=" + symroot,
                    "OBJROOT=" + symroot.resolve("obj"),
                    "DEVELOPMENT_TEAM=" + s.teamId(),
                    "PRODUCT_BUNDLE_IDENTIFIER=" + s.bundleId(),
                    "CODE_SIGN_STYLE=Automatic",
                    "build"), BUILD_TIMEOUT));
        }
        steps.add(new PlanStep(Kind.INSTALL_APP, app.getFileName().toString(),
                List.of("xcrun", "devicectl", "device", "install", "app", "--device", device, app.toString()),
                TRANSFER_TIMEOUT));
        for (String model : models) {
            String name = model + ".mlmodelc";
            steps.add(new PlanStep(Kind.COPY_MODEL, model, List.of(
                    "xcrun", "devicectl", "device", "copy", "to", "--device", device,
                    "--domain-type", "appDataContainer", "--domain-identifier", s.bundleId(),
                    "--source", compiled.resolve(name).toString(),
                    "--destination", "Documents/" + REMOTE_DIR + "/models/" + name), TRANSFER_TIMEOUT));
        }
        String remoteFixture = REMOTE_DIR + "/" + FixtureBench.REMOTE_DIR;
        if (fixture != null) {
            for (String name : fixture) {
                steps.add(new PlanStep(Kind.COPY_FIXTURE, name, List.of(
                        "xcrun", "devicectl", "device", "copy", "to", "--device", device,
                        "--domain-type", "appDataContainer", "--domain-identifier", s.bundleId(),
                        "--source", fixtureDir(s).resolve(name).toString(),
                        "--destination", "Documents/" + remoteFixture + "/" + name), TRANSFER_TIMEOUT));
            }
        }
        List<String> appArgs = runnerArguments(s, models, REMOTE_DIR + "/models", REMOTE_DIR + "/results.json",
                fixture == null ? null : remoteFixture + "/" + fixture.get(0));
        List<String> launch = new ArrayList<>(List.of(
                "xcrun", "devicectl", "device", "process", "launch", "--device", device,
                "--terminate-existing", "--console", s.bundleId(), "--", RUNNER_MARKER));
        launch.addAll(appArgs);
        steps.add(new PlanStep(Kind.LAUNCH, s.bundleId(), launch, s.timeout()));
        steps.add(new PlanStep(Kind.PULL_RESULTS, "results.json", List.of(
                "xcrun", "devicectl", "device", "copy", "from", "--device", device,
                "--domain-type", "appDataContainer", "--domain-identifier", s.bundleId(),
                "--source", "Documents/" + REMOTE_DIR + "/results.json",
                "--destination", results.toString()), TRANSFER_TIMEOUT));
        return new BenchPlan(steps, models, devicesJson, lockJson, app, results, appArgs);
    }

    private static BenchPlan macPlan(BenchSettings s, List<String> models, List<PlanStep> steps, Path compiled,
                                     List<String> fixture) {
        Path work = s.workDir();
        Path results = work.resolve("results.json");
        Path runner = s.app();
        if (runner == null) {
            Path scratch = work.resolve("swiftpm");
            runner = scratch.resolve("release").resolve(MAC_PRODUCT);
            steps.add(new PlanStep(Kind.BUILD_RUNNER, MAC_PRODUCT, List.of(
                    "xcrun", "swift", "build",
                    "--package-path", s.runnerDir().toString(),
                    "--scratch-path", scratch.toString(),
                    "-c", "release",
                    "--product", MAC_PRODUCT), BUILD_TIMEOUT));
        }
        List<String> appArgs = runnerArguments(s, models, compiled.toString(), results.toString(),
                fixture == null ? null : fixtureDir(s).resolve(fixture.get(0)).toString());
        List<String> run = new ArrayList<>(List.of(runner.toString(), RUNNER_MARKER));
        run.addAll(appArgs);
        steps.add(new PlanStep(Kind.RUN_LOCAL, MAC_PRODUCT, run, s.timeout()));
        return new BenchPlan(steps, models, null, null, runner, results, appArgs);
    }

    /**
     * The runner's options (documented in MODELS.md, "Device benchmark"); paths are relative to Documents on iOS.
     * {@code --fixture} comes last, and only with a fixture.
     */
    static List<String> runnerArguments(BenchSettings s, List<String> models, String modelsDir, String out,
                                        String fixture) {
        List<String> args = new ArrayList<>(List.of(
                "--models-dir", modelsDir,
                "--models", String.join(",", models),
                "--compute-units", s.computeUnits().stream().map(ComputeUnits::swiftName)
                        .collect(Collectors.joining(",")),
                "--frames", Integer.toString(s.frames()),
                "--warmups", Integer.toString(s.warmups()),
                "--repeats", Integer.toString(s.repeats()),
                "--seed", Long.toUnsignedString(s.seed()),
                "--out", out));
        if (fixture != null) {
            args.addAll(List.of("--fixture", fixture));
        }
        return args;
    }
}
