package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.cli.devicebench.Fixtures;
import dev.mrt2.cli.devicebench.ProcessCommandRunner;
import dev.mrt2.cli.devicebench.StandInXcrun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mrt2 device-bench} end to end against the stand-in xcrun: exit codes, the one error line, the outputs. */
class DeviceBenchCommandTest {

    @TempDir
    Path tmp;

    private StandInXcrun xcrun;
    private Path models;

    @BeforeEach
    void setUp() throws IOException {
        xcrun = new StandInXcrun(tmp);
        models = Files.createDirectories(tmp.resolve("models"));
        for (String name : List.of("MRT2DepthBody", "MRT2TemporalBody", "SpectroStreamDecoder")) {
            Files.createDirectories(models.resolve(name + ".mlpackage"));
        }
    }

    /** Runs mrt2 with the stand-in first on the child PATH; settings match results-iphone-ok.json. */
    private CliRun run(String scenario, String results, String... extra) {
        return runWith(new ProcessCommandRunner(xcrun.env(scenario, Fixtures.file(results))), extra);
    }

    private CliRun runWith(ProcessCommandRunner runner, String... extra) {
        List<String> args = new ArrayList<>(List.of("device-bench", "--models", models.toString(),
                "--compute-units", "cpuAndNeuralEngine,cpuAndGPU", "--frames", "5", "--warmups", "2",
                "--repeats", "2", "--out", tmp.resolve("out").toString(),
                "--runner-dir", tmp.resolve("device-runner").toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Mrt2.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        DeviceBenchCommand command = (DeviceBenchCommand) cl.getSubcommands().get("device-bench").getCommand();
        command.runner = runner;
        command.pullInterval = Duration.ZERO;
        int code = cl.execute(args.toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    private static final String[] PHONE = {"--device", "Test iPhone", "--team-id", "ABCDE12345"};

    @Test
    void dryRunPrintsThePlanAndRunsNothing() throws IOException {
        CliRun r = run("success", "results-iphone-ok.json", concat(PHONE, "--dry-run"));
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(12, lines.size(), r.toString());
        assertTrue(lines.get(0).startsWith("xcrun coremlcompiler compile " + models + "/MRT2DepthBody.mlpackage "));
        assertTrue(lines.get(10).startsWith("xcrun devicectl device process launch --device 'Test iPhone' "
                + "--terminate-existing --console dev.mrt2.DeviceBench -- --mrt2-bench "), lines.get(10));
        assertEquals(List.of(), xcrun.calls(), "a dry run executes nothing");
        assertFalse(Files.exists(tmp.resolve("out")), "and writes nothing");
    }

    @Test
    void dryRunJsonIsOneDocument() throws IOException {
        CliRun r = run("success", "results-iphone-ok.json", concat(PHONE, "--dry-run", "--json"));
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        JsonNode plan = new ObjectMapper().readTree(r.out()).get("plan");
        assertEquals(12, plan.size());
        assertEquals("check lock state", plan.get(4).get("step").asText());
        assertEquals("lockState", plan.get(4).get("argv").get(4).asText());
    }

    @Test
    void successPrintsTheTableAndWritesReceipts() throws IOException {
        CliRun r = run("success", "results-iphone-ok.json", PHONE);
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        assertTrue(r.out().startsWith("# mrt2 device-bench\n"), r.toString());
        assertTrue(r.out().contains("| SpectroStreamDecoder | cpuAndNeuralEngine | ok | 10 | 24.520 | 24.700 | 24.770 "),
                r.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("out/device_bench.json")));
        assertEquals(Files.readString(tmp.resolve("out/device_bench.md")), r.out());
        assertEquals(12, xcrun.calls().size(), "every planned command ran once");
        assertFalse(r.err().contains("+ xcrun"), "commands are echoed only with -v");
    }

    @Test
    void verbosePrintsEveryExternalCommand() {
        CliRun r = run("success", "results-iphone-ok.json", concat(PHONE, "--verbose"));
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        assertEquals(12, r.err().lines().filter(l -> l.startsWith("+ xcrun ")).count(), r.toString());
    }

    @Test
    void jsonPrintsTheReceipt() throws IOException {
        CliRun r = run("success", "results-iphone-ok.json", concat(PHONE, "--json", "-q"));
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        JsonNode receipt = new ObjectMapper().readTree(r.out());
        assertEquals("mrt2-device-bench-receipt-v1", receipt.get("schema").asText());
        assertEquals(Files.readString(tmp.resolve("out/device_bench.json")), r.out());
        assertEquals("", r.err(), "quiet");
    }

    @Test
    void noDevice() {
        assertOneErrorLine(run("no-device", "results-iphone-ok.json", "--device", "iPhone", "--team-id",
                "ABCDE12345", "-q"), ExitCodes.FAILURE,
                "mrt2: device-bench: no device matching 'iPhone' is connected (devicectl list devices found 0)");
    }

    @Test
    void lockedDevice() {
        assertOneErrorLine(run("locked", "results-iphone-ok.json", concat(PHONE, "-q")), ExitCodes.FAILURE,
                "mrt2: device-bench: device 'Test iPhone' (00008130-001A2B3C4D5E6F70) is locked (passcodeRequired "
                        + "true, unlockedSinceBoot true): unlock it and keep it awake (Settings > Display & "
                        + "Brightness > Auto-Lock > Never) while the benchmark runs");
    }

    @Test
    void appCrash() {
        assertOneErrorLine(run("crash", "results-iphone-ok.json", concat(PHONE, "-q")), ExitCodes.FAILURE,
                "mrt2: device-bench: the runner app crashed or failed to launch (devicectl device process launch "
                        + "exit 1: ERROR: The application exited abnormally (signal 11: SIGSEGV)); see Xcode > "
                        + "Devices and Simulators > Device Logs");
    }

    @Test
    void timeout() {
        assertOneErrorLine(run("timeout", "results-iphone-ok.json", concat(PHONE, "-q", "--timeout", "1")),
                ExitCodes.FAILURE, "mrt2: device-bench: the benchmark run did not finish within --timeout 1 s "
                        + "(run on device dev.mrt2.DeviceBench)");
    }

    @Test
    void nonFiniteOutputStillPrintsTheTable() {
        CliRun r = run("success", "results-iphone-nonfinite.json", concat(PHONE, "-q"));
        assertOneErrorLine(r, ExitCodes.FAILURE, "mrt2: device-bench: SpectroStreamDecoder (cpuAndGPU) produced "
                + "36864 non-finite output values of 2580480, first in 'decoder_stft' at call 0 (a warm-up)");
        assertTrue(r.out().contains("## Problems"), r.toString());
    }

    @Test
    void missingXcrunOnLinux() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-path"));
        CliRun r = runWith(new ProcessCommandRunner(Map.of("PATH", empty.toString())), concat(PHONE, "-q"));
        assertOneErrorLine(r, ExitCodes.FAILURE, "mrt2: device-bench: xcrun not found on PATH: device-bench needs a "
                + "Mac with Xcode 16 or newer (this is " + System.getProperty("os.name") + ")");
    }

    @Test
    void buildingWithoutTeamIsAUsageError() {
        assertOneErrorLine(run("success", "results-iphone-ok.json", "--device", "Test iPhone", "-q"),
                ExitCodes.USAGE, "mrt2: device-bench: --team-id is required to build the runner app (or pass a "
                        + "signed, prebuilt app with --app)");
    }

    @Test
    void modelsFolderWithoutPackagesIsBadInput() throws IOException {
        try (var packages = Files.list(models)) {
            for (Path p : packages.toList()) {
                Files.delete(p);
            }
        }
        CliRun r = run("success", "results-iphone-ok.json", concat(PHONE, "-q"));
        assertOneErrorLine(r, ExitCodes.BAD_INPUT, "mrt2: device-bench: " + models
                + ": no .mlpackage found (run mrt2 convert first)");
    }

    private static void assertOneErrorLine(CliRun r, int code, String line) {
        assertEquals(code, r.code(), r.toString());
        assertEquals(List.of(line), r.errLines(), r.toString());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
