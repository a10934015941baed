package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options scripts/mrt2 adds (scripts/lib/jvm-flags.sh), for every combination of what decides them: the
 * JDK's major version (from a stand-in {@code java} that prints a version line as the JDK does) and the kernel's
 * transparent-huge-page mode (from a stand-in for its sysfs file). A flag given where the JVM would warn about it
 * breaks the promise of a quiet stderr; one missing where it applies costs a VM a third of a validate.
 */
class LauncherFlagsTest {
    @TempDir
    static Path dir;
    static Path jdk17;
    static Path jdk25;

    @BeforeAll
    static void standInJdks() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash, as scripts/mrt2 does");
        jdk17 = standInJava("17", "openjdk version \"17.0.15\" 2025-04-15");
        jdk25 = standInJava("25", "openjdk version \"25.0.3\" 2026-04-21 LTS");
    }

    @Test
    void hugePagesOnlyWhenTheKernelGivesThemOnRequest() throws Exception {
        assertEquals(List.of("-XX:+UseTransparentHugePages"), flags(jdk17, "always [madvise] never\n"));
        assertEquals(List.of(), flags(jdk17, "[always] madvise never\n"), "the kernel does it already");
        assertEquals(List.of(), flags(jdk17, "always madvise [never]\n"), "the JVM would warn on stderr");
        assertEquals(List.of(), flags(jdk17, null), "no such file: not Linux, the option does not exist");
    }

    @Test
    void unsafePermissionFromJdk24On() throws Exception {
        assertEquals(List.of("--sun-misc-unsafe-memory-access=allow", "-XX:+UseTransparentHugePages"),
                flags(jdk25, "always [madvise] never\n"));
        assertEquals(List.of("--sun-misc-unsafe-memory-access=allow"), flags(jdk25, "always madvise [never]\n"));
    }

    private static Path standInJava(String name, String versionLine) throws IOException {
        Path java = dir.resolve("java" + name);
        Files.writeString(java, "#!/bin/bash\necho '" + versionLine + "' >&2\n", StandardCharsets.UTF_8);
        java.toFile().setExecutable(true);
        return java;
    }

    /** The lines mrt2_jvm_flags prints for {@code java} when the THP file holds {@code thpMode} (null: no file). */
    private static List<String> flags(Path java, String thpMode) throws Exception {
        Path thp = dir.resolve("thp-enabled-" + Math.abs(String.valueOf(thpMode).hashCode()));
        Files.deleteIfExists(thp);
        if (thpMode != null) {
            Files.writeString(thp, thpMode, StandardCharsets.UTF_8);
        }
        Path script = Path.of(System.getProperty("mrt2.repo.dir", "..")).resolve("scripts/lib/jvm-flags.sh");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "source \"$1\" && mrt2_jvm_flags \"$2\"", "bash",
                script.toAbsolutePath().toString(), java.toString());
        pb.environment().put("MRT2_THP_ENABLED_FILE", thp.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mrt2_jvm_flags did not finish");
        }
        assertEquals(0, p.exitValue(), out);
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
