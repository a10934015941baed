package dev.mrt2.cli.devicebench;

import java.time.Duration;
import java.util.List;

/**
 * One external command of a device-bench run, with what it is for and how long it may take.
 *
 * @param kind    what the command does, which decides how its result is read
 * @param subject the model, device or file the step is about, for progress and error lines
 * @param argv    the exact command line
 * @param timeout its time limit
 */
public record PlanStep(Kind kind, String subject, List<String> argv, Duration timeout) {

    public enum Kind {
        COMPILE_MODEL("compile"),
        LIST_DEVICES("find device"),
        LOCK_STATE("check lock state"),
        BUILD_APP("build app"),
        INSTALL_APP("install app"),
        COPY_MODEL("copy model"),
        COPY_FIXTURE("copy fixture"),
        LAUNCH("run on device"),
        PULL_RESULTS("pull results"),
        BUILD_RUNNER("build macOS runner"),
        RUN_LOCAL("run on this Mac");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public PlanStep {
        argv = List.copyOf(argv);
    }

    public String commandLine() {
        return ShellWords.join(argv);
    }
}
