package dev.mrt2.cli.devicebench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything one device-bench run needs, checked once here so each message names the option at fault.
 *
 * @param device       devicectl device selector (UDID, CoreDevice identifier, serial, ECID or name); null with --mac
 * @param modelsDir    folder holding the .mlpackage directories to time
 * @param computeUnits compute-unit settings to time each model under, in order
 * @param frames       timed predictions per repeat (for the temporal model: consecutive streaming steps)
 * @param warmups      untimed predictions before the timed ones of each repeat
 * @param repeats      how many times the timed sequence runs (the temporal state starts fresh each time)
 * @param seed         seed of the runner's SplitMix64 input generator
 * @param app          prebuilt runner (.app for a phone, mrt2-bench executable with --mac); null to build it
 * @param mac          run the macOS command-line runner on this Mac instead of a phone
 * @param timeout      limit for the measurement run itself (launch until exit)
 * @param teamId       signing team for building the iOS app; null when {@code app} is given
 * @param bundleId     bundle identifier of the runner app
 * @param runnerDir    the repository's device-runner/ folder (Xcode project and Swift package)
 * @param outDir       where receipts go; intermediate files go to {@code outDir/work}
 * @param fixtures     a fixtures folder whose streaming case every temporal model also runs, or null
 */
public record BenchSettings(
        String device,
        Path modelsDir,
        List<ComputeUnits> computeUnits,
        int frames,
        int warmups,
        int repeats,
        long seed,
        Path app,
        boolean mac,
        Duration timeout,
        String teamId,
        String bundleId,
        Path runnerDir,
        Path outDir,
        Path fixtures) {

    public static final String DEFAULT_BUNDLE_ID = "dev.mrt2.DeviceBench";

    private static final Pattern BUNDLE_ID = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern TEAM_ID = Pattern.compile("[A-Z0-9]{10}");

    public BenchSettings {
        computeUnits = List.copyOf(computeUnits);
        modelsDir = modelsDir.toAbsolutePath().normalize();
        runnerDir = runnerDir.toAbsolutePath().normalize();
        outDir = outDir.toAbsolutePath().normalize();
        app = app == null ? null : app.toAbsolutePath().normalize();
        fixtures = fixtures == null ? null : fixtures.toAbsolutePath().normalize();
        require(!computeUnits.isEmpty(), "--compute-units must name at least one setting");
        require(frames >= 1, "--frames must be at least 1 (got " + frames + ")");
        require(warmups >= 0, "--warmups must not be negative (got " + warmups + ")");
        require(repeats >= 1, "--repeats must be at least 1 (got " + repeats + ")");
        require(!timeout.isNegative() && !timeout.isZero(), "--timeout must be positive");
        require(BUNDLE_ID.matcher(bundleId).matches(), "--bundle-id '" + bundleId + "' is not a bundle identifier");
        if (mac) {
            require(device == null, "--device and --mac exclude each other");
        } else {
            require(device != null && !device.isBlank(), "--device is required (or --mac to run on this Mac)");
            require(app != null || teamId != null,
                    "--team-id is required to build the runner app (or pass a signed, prebuilt app with --app)");
        }
        require(teamId == null || TEAM_ID.matcher(teamId).matches(),
                "--team-id '" + teamId + "' is not a 10-character Apple team id");
    }

    /** Timing only, no fixture. */
    public BenchSettings(String device, Path modelsDir, List<ComputeUnits> computeUnits, int frames, int warmups,
                         int repeats, long seed, Path app, boolean mac, Duration timeout, String teamId, String bundleId,
                         Path runnerDir, Path outDir) {
        this(device, modelsDir, computeUnits, frames, warmups, repeats, seed, app, mac, timeout, teamId, bundleId,
                runnerDir, outDir, null);
    }

    public BenchSettings withFixtures(Path dir) {
        return new BenchSettings(device, modelsDir, computeUnits, frames, warmups, repeats, seed, app, mac, timeout,
                teamId, bundleId, runnerDir, outDir, dir);
    }

    public Path workDir() {
        return outDir.resolve("work");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new DeviceBenchException(DeviceBenchException.Kind.USAGE, message);
        }
    }
}
