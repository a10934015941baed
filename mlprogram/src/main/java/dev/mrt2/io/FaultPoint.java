package dev.mrt2.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Named places in a multi-step write where the kill tests stop a child process. With
 * {@code -Dmrt2.faultpoint=NAME}, {@link #reach} prints {@code mrt2-faultpoint: NAME} on stderr when it gets there and
 * waits: the test then kills the process ({@code kill -9}) at exactly that step, or, with
 * {@code -Dmrt2.faultpoint.resume=FILE}, lets it go on once FILE exists (two writers on one folder). Without the
 * property, reaching a point costs one string comparison.
 */
public final class FaultPoint {
    private static final String PAUSE_AT = System.getProperty("mrt2.faultpoint");
    private static final String RESUME_FILE = System.getProperty("mrt2.faultpoint.resume");

    private FaultPoint() {}

    public static void reach(String name) {
        if (PAUSE_AT == null || !PAUSE_AT.equals(name)) {
            return;
        }
        System.err.println("mrt2-faultpoint: " + name);
        System.err.flush();
        while (RESUME_FILE == null || !Files.exists(Path.of(RESUME_FILE))) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
