package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanBuilderTest {

    @TempDir
    Path tmp;

    @Test
    void phonePlanIsCompileFindCheckBuildInstallCopyLaunchPull() throws IOException {
        BenchSettings s = TestBench.phone(tmp, "Test iPhone", null, Duration.ofSeconds(600));
        BenchPlan plan = DeviceBench.plan(s);
        String w = tmp.resolve("out/work").toString();
        String m = tmp.resolve("models").toString();
        List<String> expected = List.of(
                "xcrun coremlcompiler compile " + m + "/MRT2DepthBody.mlpackage " + w + "/compiled",
                "xcrun coremlcompiler compile " + m + "/MRT2TemporalBody.mlpackage " + w + "/compiled",
                "xcrun coremlcompiler compile " + m + "/SpectroStreamDecoder.mlpackage " + w + "/compiled",
                "xcrun devicectl list devices --json-output " + w + "/devices.json",
                "xcrun devicectl device info lockState --device 'Test iPhone' --json-output " + w
                        + "/lockstate.json",
                "xcrun xcodebuild -project " + tmp + "/device-runner/Mrt2DeviceBench.xcodeproj -target Mrt2DeviceBench"
                        + " -configuration Release -sdk iphoneos -allowProvisioningUpdates SYMROOT=" + w + "/build"
                        + " OBJROOT=" + w + "/build/obj DEVELOPMENT_TEAM=ABCDE12345"
                        + " PRODUCT_BUNDLE_IDENTIFIER=dev.mrt2.DeviceBench CODE_SIGN_STYLE=Automatic build",
                "xcrun devicectl device install app --device 'Test iPhone' " + w
                        + "/build/Release-iphoneos/Mrt2DeviceBench.app",
                copy(w, "MRT2DepthBody"),
                copy(w, "MRT2TemporalBody"),
                copy(w, "SpectroStreamDecoder"),
                "xcrun devicectl device process launch --device 'Test iPhone' --terminate-existing --console"
                        + " dev.mrt2.DeviceBench -- --mrt2-bench --models-dir mrt2-bench/models"
                        + " --models MRT2DepthBody,MRT2TemporalBody,SpectroStreamDecoder"
                        + " --compute-units cpuAndNeuralEngine,cpuAndGPU --frames 5 --warmups 2 --repeats 2"
                        + " --seed 0 --out mrt2-bench/results.json",
                "xcrun devicectl device copy from --device 'Test iPhone' --domain-type appDataContainer"
                        + " --domain-identifier dev.mrt2.DeviceBench --source Documents/mrt2-bench/results.json"
                        + " --destination " + w + "/results.json");
        assertEquals(expected, plan.steps().stream().map(PlanStep::commandLine).toList());
        assertEquals(TestBench.MODELS, plan.models());
        assertEquals(Duration.ofSeconds(600), plan.stepsOf(PlanStep.Kind.LAUNCH).get(0).timeout(),
                "--timeout limits the launch");
    }

    private static String copy(String w, String model) {
        return "xcrun devicectl device copy to --device 'Test iPhone' --domain-type appDataContainer"
                + " --domain-identifier dev.mrt2.DeviceBench --source " + w + "/compiled/" + model + ".mlmodelc"
                + " --destination Documents/mrt2-bench/models/" + model + ".mlmodelc";
    }

    @Test
    void prebuiltAppSkipsTheBuild() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("Prebuilt.app"));
        BenchPlan plan = DeviceBench.plan(TestBench.phone(tmp, "Test iPhone", app, Duration.ofSeconds(60)));
        assertTrue(plan.stepsOf(PlanStep.Kind.BUILD_APP).isEmpty());
        assertEquals(List.of("xcrun", "devicectl", "device", "install", "app", "--device", "Test iPhone",
                app.toString()), plan.stepsOf(PlanStep.Kind.INSTALL_APP).get(0).argv());
    }

    @Test
    void macPlanBuildsTheSwiftPackageAndRunsItLocally() throws IOException {
        BenchPlan plan = DeviceBench.plan(TestBench.mac(tmp, null));
        String w = tmp.resolve("out/work").toString();
        assertEquals(List.of(
                "xcrun coremlcompiler compile " + tmp + "/mac-models/MRT2TemporalBody.mlpackage " + w + "/compiled",
                "xcrun swift build --package-path " + tmp + "/device-runner --scratch-path " + w + "/swiftpm"
                        + " -c release --product mrt2-bench",
                w + "/swiftpm/release/mrt2-bench --mrt2-bench --models-dir " + w + "/compiled --models"
                        + " MRT2TemporalBody --compute-units cpuOnly --frames 5 --warmups 1 --repeats 1"
                        + " --seed 18446744073709551615 --out " + w + "/results.json"),
                plan.steps().stream().map(PlanStep::commandLine).toList());
    }

    @Test
    void buildingTheAppNeedsATeam() throws IOException {
        Path models = TestBench.models(tmp);
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> new BenchSettings("Phone", models,
                TestBench.UNITS, 5, 2, 2, 0, null, false, Duration.ofSeconds(5), null, "dev.mrt2.DeviceBench",
                tmp, tmp));
        assertEquals(Kind.USAGE, e.kind());
        assertEquals("--team-id is required to build the runner app (or pass a signed, prebuilt app with --app)",
                e.getMessage());
    }

    @Test
    void settingsNameTheOptionAtFault() throws IOException {
        Path models = TestBench.models(tmp);
        assertEquals("--frames must be at least 1 (got 0)", assertThrows(DeviceBenchException.class,
                () -> new BenchSettings("P", models, TestBench.UNITS, 0, 2, 2, 0, null, false,
                        Duration.ofSeconds(5), "ABCDE12345", "dev.mrt2.DeviceBench", tmp, tmp)).getMessage());
        assertEquals("--device is required (or --mac to run on this Mac)", assertThrows(DeviceBenchException.class,
                () -> new BenchSettings(null, models, TestBench.UNITS, 1, 2, 2, 0, null, false,
                        Duration.ofSeconds(5), "ABCDE12345", "dev.mrt2.DeviceBench", tmp, tmp)).getMessage());
        assertEquals("--team-id 'team' is not a 10-character Apple team id", assertThrows(
                DeviceBenchException.class, () -> new BenchSettings("P", models, TestBench.UNITS, 1, 2, 2, 0, null,
                        false, Duration.ofSeconds(5), "team", "dev.mrt2.DeviceBench", tmp, tmp)).getMessage());
        assertEquals("unknown compute units 'ane' (expected all, cpuAndNeuralEngine, cpuAndGPU or cpuOnly)",
                assertThrows(DeviceBenchException.class, () -> ComputeUnits.parseList("all,ane")).getMessage());
        assertEquals(List.of(ComputeUnits.CPU_ONLY, ComputeUnits.ALL), ComputeUnits.parseList("cpuOnly, all"));
    }

    @Test
    void emptyModelsFolderIsBadInput() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> ModelPackages.list(empty));
        assertEquals(Kind.BAD_INPUT, e.kind());
        assertEquals(empty + ": no .mlpackage found (run mrt2 convert first)", e.getMessage());
    }

    @Test
    void shellQuotingRoundTripsThroughBash() throws Exception {
        List<String> words = List.of("plain", "two words", "it's", "$HOME", "a\"b", "", "semi;colon", "*");
        String line = ShellWords.join(words);
        Process p = new ProcessBuilder("/bin/bash", "-c", "printf '%s\\n' " + line).start();
        List<String> back = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor();
        assertEquals(words, back);
    }
}
