package dev.mrt2.cli.devicebench;

/**
 * One device-bench failure, with a message that fits on one line. The kind tells the command which exit code to
 * use and lets tests assert which check fired.
 */
public final class DeviceBenchException extends RuntimeException {

    public enum Kind {
        /** Options that cannot work together, e.g. building the app without a team id. */
        USAGE,
        /** The models directory or a results file is unreadable or malformed. */
        BAD_INPUT,
        /** xcrun is not on the PATH: not a Mac with Xcode. */
        MISSING_XCRUN,
        /** devicectl sees no matching device, or sees it but cannot reach it. */
        NO_DEVICE,
        /** The device is paired and reachable but not usable (not paired, Developer Mode off). */
        DEVICE_NOT_READY,
        /** The device is locked. */
        DEVICE_LOCKED,
        /** A tool (coremlcompiler, xcodebuild, devicectl install/copy) failed. */
        TOOL_FAILED,
        /** The app (or the macOS runner) crashed, exited non-zero, or wrote no results. */
        APP_CRASHED,
        /** A command ran past its time limit. */
        TIMEOUT,
        /** The runner loaded a model but could not run it (load or prediction error on the device). */
        RUN_FAILED,
        /** An output of some prediction held NaN or infinity. */
        NON_FINITE,
        /** A model's outputs on the fixture failed a gate of {@code mrt2 validate}'s temporal stream comparison. */
        FIXTURE_MISMATCH
    }

    private final Kind kind;
    private final transient BenchReport report;

    public DeviceBenchException(Kind kind, String message) {
        super(message);
        this.kind = kind;
        this.report = null;
    }

    /** A failure found in results that were still summarised: the receipts exist and {@link #report()} has them. */
    public DeviceBenchException(Kind kind, String message, BenchReport report) {
        super(message);
        this.kind = kind;
        this.report = report;
    }

    public DeviceBenchException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.report = null;
    }

    public Kind kind() {
        return kind;
    }

    /** The written receipts when the failure was found in the results, else null. */
    public BenchReport report() {
        return report;
    }
}
