package dev.mrt2.convert.checksum;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** GNU sha256sum, for the tests that check our manifests against the real tool when it is installed. */
final class Sha256sumTool {
    private Sha256sumTool() {}

    record Result(int code, String output) {}

    static boolean present() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "sha256sum"))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code sha256sum args} in {@code dir}; stdout and stderr together. */
    static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sha256sum"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sha256sum did not finish");
        }
        return new Result(p.exitValue(), output);
    }
}
