package dev.mrt2.cli;

import dev.mrt2.cli.devicebench.BenchPlan;
import dev.mrt2.cli.devicebench.BenchReport;
import dev.mrt2.cli.devicebench.BenchSettings;
import dev.mrt2.cli.devicebench.CommandRunner;
import dev.mrt2.cli.devicebench.ComputeUnits;
import dev.mrt2.cli.devicebench.DeviceBench;
import dev.mrt2.cli.devicebench.DeviceBenchException;
import dev.mrt2.cli.devicebench.PlanStep;
import dev.mrt2.cli.devicebench.ProcessCommandRunner;
import dev.mrt2.cli.devicebench.Receipts;
import dev.mrt2.cli.devicebench.VerboseRunner;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mrt2 device-bench}: options in, {@link DeviceBench} does the work, receipts and one summary out. */
@Command(name = "device-bench", mixinStandardHelpOptions = true,
        header = "Time the converted packages on a tethered iPhone (or this Mac) with Core ML, with receipts.",
        description = {
            "Compiles every .mlpackage in --models, installs the runner app, copies the models, launches it with "
                    + "devicectl, pulls its results and writes device_bench.json and device_bench.md to --out.",
            "Needs a Mac with Xcode 16+, a paired, unlocked phone in Developer Mode and a signing team id "
                    + "(or --app). -v prints every external command; --dry-run prints them without running any."})
final class DeviceBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Option(names = "--device", paramLabel = "UDID|NAME", description = "The phone, as devicectl knows it.")
    String device;

    @Option(names = "--models", required = true, paramLabel = "DIR", description = "Folder with the .mlpackage files.")
    Path models;

    @Option(names = "--compute-units", paramLabel = "LIST", defaultValue = "all,cpuAndNeuralEngine,cpuAndGPU,cpuOnly",
            description = "Comma-separated settings to time each model under. Default: ${DEFAULT-VALUE}.")
    String computeUnits;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "100",
            description = "Timed predictions per repeat. Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--warmups", paramLabel = "N", defaultValue = "10",
            description = "Untimed predictions before each repeat. Default: ${DEFAULT-VALUE}.")
    int warmups;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "2",
            description = "Repeats (fresh temporal state each). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the runner's input generator. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--app", paramLabel = "PATH",
            description = "A signed, prebuilt runner (.app, or the mrt2-bench executable with --mac); skips the build.")
    Path app;

    @Option(names = "--mac", description = "Run the macOS runner on this Mac instead of a phone.")
    boolean mac;

    @Option(names = "--dry-run", description = "Print the exact command plan and exit without running anything.")
    boolean dryRun;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "1800",
            description = "Seconds the measurement run may take. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Option(names = "--team-id", paramLabel = "ID", description = "Apple signing team for building the app.")
    String teamId;

    @Option(names = "--bundle-id", paramLabel = "ID", defaultValue = BenchSettings.DEFAULT_BUNDLE_ID,
            description = "Bundle identifier of the runner app. Default: ${DEFAULT-VALUE}.")
    String bundleId;

    @Option(names = "--runner-dir", paramLabel = "DIR",
            description = "The repository's device-runner/ folder. Default: ./device-runner, else next to the jar.")
    Path runnerDir;

    @Option(names = "--fixtures", paramLabel = "DIR",
            description = "A fixtures folder (the port's published set or 'mrt2 fixtures generate'): every temporal "
                    + "model also streams its temporal_streaming_carry_<N> case from fresh state on the device "
                    + "(stateful: bias protocol; carry: host ring), compared per compute units with the gates of "
                    + "'mrt2 validate'.")
    Path fixtures;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/device-bench",
            description = "Where receipts (and work/) go. Default: ${DEFAULT-VALUE}.")
    Path out;

    /** Replaced by tests with a runner whose PATH starts with a stand-in xcrun. */
    CommandRunner runner = new ProcessCommandRunner();
    /** How long to wait between tries of pulling the results file. */
    Duration pullInterval = Duration.ofSeconds(2);

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        Verbosity verbosity = ((Mrt2) spec.root().userObject()).verbosity();
        try {
            BenchSettings settings = settings();
            if (dryRun) {
                return printPlan(console, DeviceBench.plan(settings));
            }
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter progress = verbosity == Verbosity.QUIET ? new PrintWriter(Writer.nullWriter()) : err;
            CommandRunner commands = verbosity == Verbosity.VERBOSE ? new VerboseRunner(runner, err) : runner;
            BenchReport report = new DeviceBench(commands, progress, 3, pullInterval).run(settings);
            printReport(console, report);
            return ExitCodes.OK;
        } catch (DeviceBenchException e) {
            if (e.report() != null) {
                printReport(console, e.report());
            }
            throw new ExitException(exitCode(e.kind()), "device-bench: " + e.getMessage());
        }
    }

    private BenchSettings settings() {
        List<ComputeUnits> units = ComputeUnits.parseList(computeUnits);
        return new BenchSettings(device, models, units, frames, warmups, repeats, seed, app, mac,
                Duration.ofSeconds(timeoutSeconds), teamId, bundleId, runnerDir != null ? runnerDir : defaultRunnerDir(),
                out, fixtures);
    }

    private int printPlan(Console console, BenchPlan plan) {
        if (output.json) {
            Map<String, Object> m = new TreeMap<>();
            m.put("plan", plan.steps().stream().map(s -> {
                Map<String, Object> step = new TreeMap<>();
                step.put("step", s.kind().label());
                step.put("subject", s.subject());
                step.put("argv", s.argv());
                step.put("timeout_s", s.timeout().toSeconds());
                return step;
            }).toList());
            console.json(m);
        } else {
            plan.steps().stream().map(PlanStep::commandLine).forEach(console::result);
        }
        return ExitCodes.OK;
    }

    private void printReport(Console console, BenchReport report) {
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(output.json ? Receipts.json(report) : Receipts.markdown(report));
        stdout.flush();
        console.progress("device-bench: receipts in " + report.receiptJson().getParent());
    }

    static int exitCode(DeviceBenchException.Kind kind) {
        return switch (kind) {
            case USAGE -> ExitCodes.USAGE;
            case BAD_INPUT -> ExitCodes.BAD_INPUT;
            default -> ExitCodes.FAILURE;
        };
    }

    /** ./device-runner when run from the repository root, else the one beside the jar (cli/target/mrt2.jar). */
    private static Path defaultRunnerDir() {
        Path here = Path.of("device-runner");
        if (Files.isDirectory(here)) {
            return here;
        }
        try {
            Path repo = Path.of(DeviceBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (int up = 0; up < 3 && repo != null; up++) {
                repo = repo.getParent(); // mrt2.jar (or classes/) -> target -> cli -> repository
            }
            return repo != null && Files.isDirectory(repo.resolve("device-runner")) ? repo.resolve("device-runner")
                    : here;
        } catch (URISyntaxException | SecurityException e) {
            return here;
        }
    }
}
