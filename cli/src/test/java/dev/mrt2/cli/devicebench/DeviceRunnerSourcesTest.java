package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Swift runner cannot be compiled on Linux CI, so these checks keep it consistent with what device-bench
 * expects: the Xcode project lists every source, the measurement logic stays free of Core ML, and the names the
 * plan uses exist.
 */
class DeviceRunnerSourcesTest {

    private static Path runner() {
        return Fixtures.dir().getParent().getParent().resolve("device-runner");
    }

    private static List<Path> swift(String dir) throws IOException {
        try (Stream<Path> files = Files.list(runner().resolve(dir))) {
            return files.filter(p -> p.toString().endsWith(".swift")).sorted().toList();
        }
    }

    @Test
    void xcodeProjectCompilesEveryRunnerSourceAndNothingElse() throws IOException {
        String pbxproj = Files.readString(runner().resolve(PlanBuilder.XCODE_PROJECT).resolve("project.pbxproj"));
        for (String dir : List.of("App", "Sources/BenchCore", "Sources/BenchCoreML")) {
            for (Path source : swift(dir)) {
                String name = source.getFileName().toString();
                assertTrue(pbxproj.contains("/* " + name + " in Sources */ = {isa = PBXBuildFile;"),
                        dir + "/" + name + " is not built by " + PlanBuilder.XCODE_PROJECT);
            }
        }
        for (Path source : swift("Sources/mrt2-bench")) {
            assertFalse(pbxproj.contains(source.getFileName().toString()), "the macOS main must not enter the app");
        }
        Matcher built = Pattern.compile("/\\* (\\S+\\.swift) in Sources \\*/ = \\{isa").matcher(pbxproj);
        long count = 0;
        while (built.find()) {
            count++;
        }
        assertEquals(swift("App").size() + swift("Sources/BenchCore").size() + swift("Sources/BenchCoreML").size(),
                count, "no stale file references");
        assertTrue(pbxproj.contains("name = " + PlanBuilder.XCODE_TARGET + ";"));
        assertTrue(pbxproj.contains("IPHONEOS_DEPLOYMENT_TARGET = 18.0;"), "MLState needs iOS 18");
    }

    @Test
    void measurementLogicDoesNotTouchCoreMl() throws IOException {
        for (Path source : swift("Sources/BenchCore")) {
            String text = Files.readString(source);
            assertFalse(text.contains("import CoreML"), source + " must stay platform-independent");
            assertFalse(text.contains("MLModel"), source + " must stay platform-independent");
        }
        for (Path source : swift("Sources/BenchCoreML")) {
            assertTrue(Files.readString(source).startsWith("#if canImport(CoreML)\n"),
                    source + " must compile to nothing where Core ML does not exist");
        }
    }

    @Test
    void swiftPackageDeclaresTheMacRunnerProduct() throws IOException {
        String manifest = Files.readString(runner().resolve("Package.swift"));
        assertTrue(manifest.contains(".executable(name: \"" + PlanBuilder.MAC_PRODUCT + "\""), manifest);
        assertTrue(manifest.contains(".macOS(.v15)") && manifest.contains(".iOS(.v18)"), manifest);
    }

    @Test
    void runnerAndToolAgreeOnTheProtocolNames() throws IOException {
        String arguments = Files.readString(runner().resolve("Sources/BenchCore/BenchArguments.swift"));
        assertTrue(arguments.contains("\"" + PlanBuilder.RUNNER_MARKER + "\""));
        for (String option : List.of("--models-dir", "--models", "--compute-units", "--frames", "--warmups",
                "--repeats", "--seed", "--out")) {
            assertTrue(arguments.contains("\"" + option + "\""), option);
        }
        String results = Files.readString(runner().resolve("Sources/BenchCore/ResultsDocument.swift"));
        assertTrue(results.contains("\"" + BenchResults.SCHEMA + "\""));
        for (ComputeUnits units : ComputeUnits.values()) {
            assertTrue(Files.readString(runner().resolve("Sources/BenchCore/ComputeUnitName.swift"))
                    .contains("case " + units.swiftName() + "\n"), units.swiftName());
        }
    }
}
