package dev.mrt2.cli.devicebench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The recorded devicectl answers and results files under the repository's fixtures/device-bench/. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path dir() {
        String repo = System.getProperty("mrt2.repo.dir");
        Path base = repo != null ? Path.of(repo) : Path.of("..").toAbsolutePath().normalize();
        Path dir = base.resolve("fixtures").resolve("device-bench");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixtures not found at " + dir + " (set -Dmrt2.repo.dir)");
        }
        return dir;
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }
}
