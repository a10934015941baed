package dev.mrt2.cli.devicebench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs one external command to completion or until its time limit. Every call that device-bench makes to
 * {@code xcrun}, {@code xcodebuild} or the macOS runner goes through this one interface, so a test can put a
 * stand-in first on the child's PATH and see the whole conversation.
 */
public interface CommandRunner {

    /**
     * @param argv    program and arguments; a program without a '/' is looked up on the child's PATH
     * @param timeout wall-clock limit; past it the process and its descendants are killed
     * @return exit status and captured output (a timed-out run has {@code timedOut() == true})
     * @throws CommandNotFoundException when the program is not on the PATH
     * @throws IOException              when the process cannot be started
     */
    CommandResult run(List<String> argv, Duration timeout) throws IOException;
}
