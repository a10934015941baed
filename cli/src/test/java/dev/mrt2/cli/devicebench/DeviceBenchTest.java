package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestration against a stand-in xcrun (see {@link StandInXcrun}) that answers like devicectl: the command
 * plan that actually runs, and one test per failure the issue names.
 */
class DeviceBenchTest {

    @TempDir
    Path tmp;

    private final StringWriter progress = new StringWriter();

    private DeviceBench bench(StandInXcrun xcrun, String scenario, String results) {
        CommandRunner runner = new ProcessCommandRunner(xcrun.env(scenario, Fixtures.file(results)));
        return new DeviceBench(new VerboseRunner(runner, new PrintWriter(progress, true)),
                new PrintWriter(progress, true), 2, Duration.ZERO);
    }

    @Test
    void successRunsExactlyThePlanAndWritesReceipts() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        BenchSettings s = TestBench.phone(tmp, "Test iPhone", null, Duration.ofSeconds(60));
        BenchReport report = bench(xcrun, "success", "results-iphone-ok.json").run(s);

        List<List<String>> expected = DeviceBench.plan(s).steps().stream().map(PlanStep::argv).toList();
        assertEquals(expected, xcrun.calls(), "the stand-in saw the dry-run plan, command for command");
        assertEquals("iPhone 15 Pro Max", report.target().device().marketingName());
        assertEquals(6, report.summaries().size());
        assertTrue(report.failedRuns().isEmpty());
        assertTrue(report.nonFiniteRuns().isEmpty());
        assertEquals(41.2, report.summaries().get(2).latency().p99Ms());
        assertTrue(Files.isRegularFile(tmp.resolve("out/device_bench.json")));
        String md = Files.readString(tmp.resolve("out/device_bench.md"));
        assertTrue(md.contains("| MRT2TemporalBody | cpuAndNeuralEngine | ok | 10 | 14.000 | 14.200 | 41.200 | 41.200 | 1 "
                + "| 697 (54.6%) / 0 (0.0%) / 579 (45.4%) | 70.4% / 0.0% / 29.6% | 1.000000 |"), md);
        assertTrue(md.contains("- Target: iPhone 15 Pro Max 'Test iPhone', iOS 18.3.1, 00008130-001A2B3C4D5E6F70"),
                md);
        String log = progress.toString();
        assertTrue(log.contains("+ xcrun devicectl device install app --device 'Test iPhone' "), log);
        assertEquals(expected.size(), log.lines().filter(l -> l.startsWith("+ ")).count(),
                "--verbose prints every external command once");
    }

    @Test
    void receiptsAreTheSameBytesForTheSameResults() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        BenchSettings s = TestBench.phone(tmp, "00008130-001A2B3C4D5E6F70", null, Duration.ofSeconds(60));
        bench(xcrun, "success", "results-iphone-ok.json").run(s);
        byte[] json = Files.readAllBytes(tmp.resolve("out/device_bench.json"));
        byte[] md = Files.readAllBytes(tmp.resolve("out/device_bench.md"));
        bench(xcrun, "success", "results-iphone-ok.json").run(s);
        assertEquals(new String(json), Files.readString(tmp.resolve("out/device_bench.json")));
        assertEquals(new String(md), Files.readString(tmp.resolve("out/device_bench.md")));
    }

    @Test
    void noDeviceConnected() throws IOException {
        DeviceBenchException e = fails("no-device", "iPhone", Kind.NO_DEVICE);
        assertEquals("no device matching 'iPhone' is connected (devicectl list devices found 0)", e.getMessage());
    }

    @Test
    void deviceListedButUnreachable() throws IOException {
        DeviceBenchException e = fails("unreachable", "Test iPhone", Kind.NO_DEVICE);
        assertEquals("device 'Test iPhone' (00008130-001A2B3C4D5E6F70) is not reachable (devicectl device info "
                + "lockState exit 1: ERROR: The device is not connected. (com.apple.dt.CoreDeviceError error 1011.))",
                e.getMessage());
    }

    @Test
    void deviceLocked() throws IOException {
        DeviceBenchException e = fails("locked", "Test iPhone", Kind.DEVICE_LOCKED);
        assertEquals("device 'Test iPhone' (00008130-001A2B3C4D5E6F70) is locked (passcodeRequired true, "
                + "unlockedSinceBoot true): unlock it and keep it awake (Settings > Display & Brightness > "
                + "Auto-Lock > Never) while the benchmark runs", e.getMessage());
        StandInXcrun xcrun = new StandInXcrun(tmp);
        assertFalse(xcrun.calls().stream().anyMatch(c -> c.contains("install")), "nothing installed on a locked phone");
    }

    @Test
    void deviceLockedWhileBuilding() throws IOException {
        DeviceBenchException e = fails("locked-at-launch", "Test iPhone", Kind.DEVICE_LOCKED);
        assertTrue(e.getMessage().startsWith("device 'Test iPhone' (00008130-001A2B3C4D5E6F70) is locked (devicectl: "
                + "ERROR: The request to open \"dev.mrt2.DeviceBench\" failed. (FBSOpenApplicationErrorDomain error 7:"
                + " Locked))"), e.getMessage());
    }

    @Test
    void appCrash() throws IOException {
        DeviceBenchException e = fails("crash", "Test iPhone", Kind.APP_CRASHED);
        assertEquals("the runner app crashed or failed to launch (devicectl device process launch exit 1: ERROR: The "
                + "application exited abnormally (signal 11: SIGSEGV)); see Xcode > Devices and Simulators > Device "
                + "Logs", e.getMessage());
    }

    @Test
    void appExitsWithoutResults() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> bench(xcrun, "crash-silent",
                "results-iphone-ok.json").run(TestBench.phone(tmp, "Test iPhone", null, Duration.ofSeconds(60))));
        assertEquals(Kind.APP_CRASHED, e.kind());
        assertEquals("the runner exited without writing results.json: it crashed or was killed",
                e.getMessage());
        assertEquals(2, xcrun.calls().stream().filter(c -> c.contains("from")).count(), "polled twice");
        assertFalse(Files.exists(tmp.resolve("out/device_bench.json")), "no receipt without results");
    }

    @Test
    void timeout() throws IOException {
        long start = System.nanoTime();
        StandInXcrun xcrun = new StandInXcrun(tmp);
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> bench(xcrun, "timeout",
                "results-iphone-ok.json").run(TestBench.phone(tmp, "Test iPhone", null, Duration.ofSeconds(1))));
        assertEquals(Kind.TIMEOUT, e.kind());
        assertEquals("the benchmark run did not finish within --timeout 1 s (run on device dev.mrt2.DeviceBench)",
                e.getMessage());
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "the hung launch was killed, not waited out");
    }

    @Test
    void nonFiniteOutputFailsAfterWritingReceipts() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> bench(xcrun, "success",
                "results-iphone-nonfinite.json").run(TestBench.phone(tmp, "Test iPhone", null,
                Duration.ofSeconds(60))));
        assertEquals(Kind.NON_FINITE, e.kind());
        assertEquals("SpectroStreamDecoder (cpuAndGPU) produced 36864 non-finite output values of 2580480, first in "
                + "'decoder_stft' at call 0 (a warm-up)", e.getMessage());
        String json = Files.readString(tmp.resolve("out/device_bench.json"));
        assertTrue(json.contains("\"non_finite_runs\": 1"), json);
        assertTrue(json.contains("\"passed\": false"), json);
        assertTrue(Files.readString(tmp.resolve("out/device_bench.md")).contains("## Problems"));
    }

    @Test
    void failedRunOnDevice() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> bench(xcrun, "success",
                "results-iphone-failed-run.json").run(TestBench.phone(tmp, "Test iPhone", null,
                Duration.ofSeconds(60))));
        assertEquals(Kind.RUN_FAILED, e.kind());
        assertEquals("MRT2TemporalBody (cpuAndNeuralEngine) failed in the runner: prediction failed: Error "
                + "Domain=com.apple.CoreML Code=0 \"Failed to evaluate model 0 in pipeline\"", e.getMessage());
    }

    @Test
    void staleResultsFromAnotherRequestAreRejected() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        BenchSettings s = TestBench.phone(tmp, "Test iPhone", null, Duration.ofSeconds(60));
        BenchSettings other = new BenchSettings(s.device(), s.modelsDir(), s.computeUnits(), 6, s.warmups(),
                s.repeats(), s.seed(), s.app(), false, s.timeout(), s.teamId(), s.bundleId(), s.runnerDir(),
                s.outDir());
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> bench(xcrun, "success", "results-iphone-ok.json").run(other));
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().endsWith("results answer a different request (models [MRT2DepthBody, "
                + "MRT2TemporalBody, SpectroStreamDecoder], compute units [cpuAndNeuralEngine, cpuAndGPU], frames 5,"
                + " warmups 2, repeats 2, seed 0): a stale file from another run?"), e.getMessage());
    }

    @Test
    void missingXcrun() throws IOException {
        Path emptyBin = Files.createDirectories(tmp.resolve("nothing"));
        CommandRunner runner = new ProcessCommandRunner(Map.of("PATH", emptyBin.toString()));
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> new DeviceBench(runner,
                new PrintWriter(progress)).run(TestBench.phone(tmp, "Test iPhone", null, Duration.ofSeconds(5))));
        assertEquals(Kind.MISSING_XCRUN, e.kind());
        assertEquals("xcrun not found on PATH: device-bench needs a Mac with Xcode 16 or newer (this is "
                + System.getProperty("os.name") + ")", e.getMessage());
    }

    @Test
    void macBuildsTheRunnerAndRunsItLocally() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        BenchSettings s = TestBench.mac(tmp, null);
        BenchReport report = bench(xcrun, "success", "results-mac-ok.json").run(s);
        List<List<String>> expected = DeviceBench.plan(s).steps().stream().map(PlanStep::argv).toList();
        List<List<String>> calls = xcrun.calls();
        assertEquals(expected.subList(0, 2), calls.subList(0, 2), "compile and swift build via xcrun");
        List<String> ran = calls.get(2);
        assertEquals("mrt2-bench", ran.get(0), "the built runner logged its own call");
        assertEquals(expected.get(2).subList(1, expected.get(2).size()), ran.subList(1, ran.size()));
        assertEquals("mac", report.target().mode());
        assertEquals(35.0, report.summaries().get(0).latency().p90Ms());
    }

    @Test
    void macRunnerThatExitsNonZeroIsACrash() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        Path runner = tmp.resolve("crashing-runner");
        Files.writeString(runner, "#!/bin/bash\necho 'Fatal error: Unexpectedly found nil' >&2\nkill -SEGV $$\n");
        Files.setPosixFilePermissions(runner, PosixFilePermissions.fromString("rwxr-xr-x"));
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> bench(xcrun, "success", "results-mac-ok.json").run(TestBench.mac(tmp, runner)));
        assertEquals(Kind.APP_CRASHED, e.kind());
        assertEquals("the macOS runner " + runner + " exited with status 139: Fatal error: Unexpectedly found nil",
                e.getMessage());
    }

    @Test
    void missingPrebuiltAppIsBadInput() throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        Path app = tmp.resolve("Missing.app");
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> bench(xcrun, "success",
                "results-iphone-ok.json").run(TestBench.phone(tmp, "Test iPhone", app, Duration.ofSeconds(60))));
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertEquals(app + ": no such runner (--app)", e.getMessage());
        assertEquals(List.of(), xcrun.calls(), "checked before any command runs");
    }

    private DeviceBenchException fails(String scenario, String device, Kind kind) throws IOException {
        StandInXcrun xcrun = new StandInXcrun(tmp);
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> bench(xcrun, scenario,
                "results-iphone-ok.json").run(TestBench.phone(tmp, device, null, Duration.ofSeconds(60))));
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }
}
