package dev.mrt2.cli.devicebench;

import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import dev.mrt2.cli.devicebench.DevicectlJson.LockState;
import dev.mrt2.mil.pkg.Digests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Runs a {@link BenchPlan}: compile, find and check the device, build and install the runner, copy the models,
 * launch, pull the results, then summarise them into receipts. Each step's failure becomes one
 * {@link DeviceBenchException} with a one-line message; no step is retried except pulling the results file.
 */
public final class DeviceBench {

    /** How devicectl and FrontBoard say that an app could not be opened because the phone is locked. */
    private static final Pattern LOCKED = Pattern.compile(
            "(?i)\\b(device|phone) (is )?locked\\b|\\bLocked\\b|FBSOpenApplicationErrorDomain error 7");

    private final CommandRunner runner;
    private final PrintWriter progress;
    private final int pullAttempts;
    private final Duration pullInterval;

    /**
     * @param runner       runs every external command
     * @param progress     one line per step goes here (stderr in the CLI)
     * @param pullAttempts how often to try {@code copy from} before deciding there are no results
     * @param pullInterval pause between those tries
     */
    public DeviceBench(CommandRunner runner, PrintWriter progress, int pullAttempts, Duration pullInterval) {
        this.runner = runner;
        this.progress = progress;
        this.pullAttempts = pullAttempts;
        this.pullInterval = pullInterval;
    }

    public DeviceBench(CommandRunner runner, PrintWriter progress) {
        this(runner, progress, 3, Duration.ofSeconds(2));
    }

    /** Lists the packages and returns the plan without running anything (what --dry-run prints). */
    public static BenchPlan plan(BenchSettings settings) {
        FixtureBench fixture = settings.fixtures() == null ? null : FixtureBench.read(settings.fixtures());
        return plan(settings, fixture);
    }

    private static BenchPlan plan(BenchSettings settings, FixtureBench fixture) {
        return PlanBuilder.build(settings, ModelPackages.list(settings.modelsDir()),
                fixture == null ? null : fixture.fileNames());
    }

    /**
     * Executes the plan and writes the receipts. Throws after the receipts are written when a run failed on the
     * device or an output was non-finite, so the receipts always show what was measured.
     */
    public BenchReport run(BenchSettings settings) {
        FixtureBench fixture = settings.fixtures() == null ? null : FixtureBench.read(settings.fixtures());
        BenchPlan plan = plan(settings, fixture);
        if (settings.app() != null && !Files.exists(settings.app())) {
            throw new DeviceBenchException(Kind.BAD_INPUT, settings.app() + ": no such runner (--app)");
        }
        prepareWorkDir(settings.workDir(), plan.resultsFile());
        if (fixture != null) {
            fixture.write(PlanBuilder.fixtureDir(settings));
        }
        BenchTarget target = settings.mac() ? BenchTarget.mac() : null;
        CommandResult launch = null;
        boolean pulled = false;
        for (PlanStep step : plan.steps()) {
            progress.println("device-bench: " + step.kind().label() + " " + step.subject());
            progress.flush();
            switch (step.kind()) {
                case COMPILE_MODEL -> {
                    require(exec(step), step, Kind.TOOL_FAILED);
                    Path compiled = settings.workDir().resolve("compiled").resolve(step.subject() + ".mlmodelc");
                    if (!Files.isDirectory(compiled)) {
                        throw new DeviceBenchException(Kind.TOOL_FAILED,
                                "xcrun coremlcompiler compile reported success but " + compiled + " does not exist");
                    }
                }
                case LIST_DEVICES -> {
                    require(exec(step), step, Kind.TOOL_FAILED);
                    DevicectlDevice device = DeviceResolver.resolve(settings.device(),
                            DevicectlJson.devices(plan.devicesJson()));
                    target = BenchTarget.device(settings.device(), device);
                }
                case LOCK_STATE -> checkLock(exec(step), plan.lockJson(), target.device());
                case BUILD_APP, BUILD_RUNNER -> {
                    require(exec(step), step, Kind.TOOL_FAILED);
                    if (!Files.exists(plan.app())) {
                        throw new DeviceBenchException(Kind.TOOL_FAILED,
                                step.kind().label() + " reported success but " + plan.app() + " does not exist");
                    }
                }
                case INSTALL_APP, COPY_MODEL, COPY_FIXTURE -> {
                    CommandResult r = exec(step);
                    failIfLocked(r, target);
                    require(r, step, Kind.TOOL_FAILED);
                }
                case LAUNCH -> {
                    launch = exec(step);
                    failIfLocked(launch, target);
                    if (launch.exitCode() != 0) {
                        throw new DeviceBenchException(Kind.APP_CRASHED, "the runner app crashed or failed to launch"
                                + " (devicectl device process launch exit " + launch.exitCode() + ": "
                                + launch.lastLine() + "); see Xcode > Devices and Simulators > Device Logs");
                    }
                }
                case PULL_RESULTS -> pulled = pull(step, plan.resultsFile());
                case RUN_LOCAL -> {
                    CommandResult r = exec(step);
                    if (r.exitCode() != 0) {
                        throw new DeviceBenchException(Kind.APP_CRASHED, "the macOS runner " + plan.app()
                                + " exited with status " + r.exitCode() + ": " + r.lastLine());
                    }
                    pulled = Files.isRegularFile(plan.resultsFile());
                }
            }
        }
        if (!pulled) {
            String how = launch == null || launch.lastLine().isEmpty() ? ""
                    : " (devicectl said: " + launch.lastLine() + ")";
            throw new DeviceBenchException(Kind.APP_CRASHED, "the runner exited without writing "
                    + plan.resultsFile().getFileName() + ": it crashed or was killed" + how);
        }
        return summarise(settings, plan, target, fixture);
    }

    private BenchReport summarise(BenchSettings settings, BenchPlan plan, BenchTarget target, FixtureBench fixture) {
        BenchResults results = ResultsParser.parse(plan.resultsFile());
        checkRequest(settings, plan, results, fixture);
        FixtureReport fixtureReport = fixture == null ? null : fixture.judge(results, plan.resultsFile());
        List<RunSummary> summaries = new ArrayList<>();
        for (BenchResults.ModelRun run : results.runs()) {
            summaries.add(RunSummary.of(run, LatencyStats.FRAME_BUDGET_MS));
        }
        BenchReport report = Receipts.write(settings.outDir(), target, results, sha256(plan.resultsFile()),
                LatencyStats.FRAME_BUDGET_MS, summaries, fixtureReport);
        progress.println("device-bench: wrote " + report.receiptJson() + " and " + report.receiptMd().getFileName());
        progress.flush();
        if (!report.failedRuns().isEmpty()) {
            throw new DeviceBenchException(Kind.RUN_FAILED, Receipts.problemLine(report.failedRuns().get(0))
                    + moreThanOne(report.failedRuns().size()), report);
        }
        if (!report.nonFiniteRuns().isEmpty()) {
            throw new DeviceBenchException(Kind.NON_FINITE, Receipts.problemLine(report.nonFiniteRuns().get(0))
                    + moreThanOne(report.nonFiniteRuns().size()), report);
        }
        if (fixtureReport != null && !fixtureReport.failedGates().isEmpty()) {
            List<dev.mrt2.validate.Gate> failed = fixtureReport.failedGates();
            throw new DeviceBenchException(Kind.FIXTURE_MISMATCH, failed.size() + " fixture gate(s) failed; first: "
                    + failed.get(0).line(), report);
        }
        return report;
    }

    /** The results must answer this run's request: same models, settings and one run per pair, in order. */
    private static void checkRequest(BenchSettings s, BenchPlan plan, BenchResults results, FixtureBench fixture) {
        BenchResults.Request q = results.request();
        List<String> units = s.computeUnits().stream().map(ComputeUnits::swiftName).toList();
        boolean same = q.models().equals(plan.models()) && q.computeUnits().equals(units)
                && q.frames() == s.frames() && q.warmups() == s.warmups() && q.repeats() == s.repeats()
                && q.seed().equals(Long.toUnsignedString(s.seed()))
                && java.util.Objects.equals(q.fixture(), fixture == null ? null : fixture.manifestName());
        if (!same) {
            throw new DeviceBenchException(Kind.BAD_INPUT, plan.resultsFile() + ": results answer a different request"
                    + " (models " + q.models() + ", compute units " + q.computeUnits() + ", frames " + q.frames()
                    + ", warmups " + q.warmups() + ", repeats " + q.repeats() + ", seed " + q.seed()
                    + (q.fixture() == null ? "" : ", fixture " + q.fixture()) + "): a stale file from another run?");
        }
        List<BenchResults.ModelRun> runs = results.runs();
        if (runs.size() != plan.models().size() * units.size()) {
            throw new DeviceBenchException(Kind.BAD_INPUT, plan.resultsFile() + ": " + runs.size()
                    + " runs, expected " + plan.models().size() * units.size() + " (models x compute units)");
        }
        int i = 0;
        for (String model : plan.models()) {
            for (String unit : units) {
                BenchResults.ModelRun run = runs.get(i);
                if (!run.model().equals(model) || !run.computeUnits().equals(unit)) {
                    throw new DeviceBenchException(Kind.BAD_INPUT, plan.resultsFile() + ": runs[" + i + "] is "
                            + run.model() + "/" + run.computeUnits() + ", expected " + model + "/" + unit);
                }
                int expected = s.frames() * s.repeats();
                if (run.ok() && run.latenciesMs().size() != expected) {
                    throw new DeviceBenchException(Kind.BAD_INPUT, plan.resultsFile() + ": runs[" + i + "] has "
                            + run.latenciesMs().size() + " latencies, expected " + expected + " (frames x repeats)");
                }
                i++;
            }
        }
    }

    private void checkLock(CommandResult r, Path lockJson, DevicectlDevice device) {
        if (r.timedOut() || r.exitCode() != 0) {
            // lockState must reach the hardware, so it fails exactly when the phone is gone.
            throw new DeviceBenchException(Kind.NO_DEVICE, "device " + device.label() + " is not reachable"
                    + " (devicectl device info lockState " + (r.timedOut() ? "timed out" : "exit " + r.exitCode())
                    + ": " + r.lastLine() + ")");
        }
        LockState lock = DevicectlJson.lockState(lockJson);
        if (lock.locked()) {
            throw new DeviceBenchException(Kind.DEVICE_LOCKED, lockedMessage(device, "passcodeRequired "
                    + lock.passcodeRequired() + ", unlockedSinceBoot " + lock.unlockedSinceBoot()));
        }
        if (Boolean.FALSE.equals(device.ddiServicesAvailable())) {
            progress.println("device-bench: note: developer disk image services are not up yet on " + device.label()
                    + "; devicectl will mount them on install (keep the phone unlocked)");
        }
    }

    private static void failIfLocked(CommandResult r, BenchTarget target) {
        if (r.exitCode() != 0 && !r.timedOut() && LOCKED.matcher(r.allOutput()).find()) {
            throw new DeviceBenchException(Kind.DEVICE_LOCKED,
                    lockedMessage(target.device(), "devicectl: " + r.lastLine()));
        }
    }

    private static String lockedMessage(DevicectlDevice device, String evidence) {
        return "device " + device.label() + " is locked (" + evidence + "): unlock it and keep it awake "
                + "(Settings > Display & Brightness > Auto-Lock > Never) while the benchmark runs";
    }

    private boolean pull(PlanStep step, Path local) {
        for (int attempt = 1; attempt <= pullAttempts; attempt++) {
            CommandResult r = exec(step);
            if (r.succeeded() && Files.isRegularFile(local)) {
                return true;
            }
            if (attempt < pullAttempts) {
                sleep(pullInterval);
            }
        }
        return false;
    }

    private CommandResult exec(PlanStep step) {
        CommandResult r;
        try {
            r = runner.run(step.argv(), step.timeout());
        } catch (CommandNotFoundException e) {
            if (e.program().equals("xcrun")) {
                throw new DeviceBenchException(Kind.MISSING_XCRUN, "xcrun not found on PATH: device-bench needs a Mac"
                        + " with Xcode 16 or newer (this is " + System.getProperty("os.name") + ")", e);
            }
            throw new DeviceBenchException(Kind.BAD_INPUT, e.program() + ": not found or not executable", e);
        } catch (IOException e) {
            throw new DeviceBenchException(Kind.TOOL_FAILED, "cannot run " + step.commandLine() + ": "
                    + e.getMessage(), e);
        }
        if (r.timedOut()) {
            String what = step.kind() == PlanStep.Kind.LAUNCH || step.kind() == PlanStep.Kind.RUN_LOCAL
                    ? "the benchmark run did not finish within --timeout " + step.timeout().toSeconds() + " s"
                    : String.join(" ", step.argv().subList(0, Math.min(3, step.argv().size())))
                    + " did not finish within " + step.timeout().toSeconds() + " s";
            throw new DeviceBenchException(Kind.TIMEOUT, what + " (" + step.kind().label() + " " + step.subject()
                    + ")");
        }
        return r;
    }

    private static void require(CommandResult r, PlanStep step, Kind kind) {
        if (r.exitCode() != 0) {
            throw new DeviceBenchException(kind, step.kind().label() + " " + step.subject() + " failed: "
                    + String.join(" ", step.argv().subList(0, Math.min(3, step.argv().size()))) + " exited with "
                    + r.exitCode() + (r.lastLine().isEmpty() ? "" : ": " + r.lastLine()));
        }
    }

    private static void prepareWorkDir(Path work, Path results) {
        try {
            Files.createDirectories(work.resolve("compiled"));
            // A results file left by an earlier run must never be mistaken for this run's.
            Files.deleteIfExists(results);
        } catch (IOException e) {
            throw new UncheckedIOException(work + ": cannot prepare work directory: " + e.getMessage(), e);
        }
    }

    private static String moreThanOne(int n) {
        return n > 1 ? String.format(Locale.ROOT, " (and %d more, see the receipts)", n - 1) : "";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceBenchException(Kind.TIMEOUT, "interrupted while waiting for the results file");
        }
    }

    static String sha256(Path file) {
        return Digests.sha256(file);
    }
}
