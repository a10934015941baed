package dev.mrt2.convert.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the real GNU sha256sum, when it is installed: each reads what the other writes, odd names included. */
class ChecksumGnuRoundTripTest {
    @TempDir
    Path tmp;
    Path dir;

    static final List<String> NAMES = List.of("a.txt", "back\\slash.txt", "cr\rname.txt", "new\nline.txt",
            " lead", "trail ", "*star", "paren(1).txt", "tab\tname");

    @BeforeEach
    void files() throws IOException {
        assumeTrue(Sha256sumTool.present(), "sha256sum is not on the PATH");
        dir = Files.createDirectories(tmp.resolve("data"));
        for (String name : NAMES) {
            Files.writeString(dir.resolve(name), name);
        }
    }

    @Test
    void sha256sumAcceptsOurManifest() throws Exception {
        ChecksumManifest.write(dir, dir.resolve("SHA256SUMS"));
        Sha256sumTool.Result r = Sha256sumTool.run(dir, "-c", "--strict", "SHA256SUMS");
        assertEquals(0, r.code(), r.output());
        assertEquals(NAMES.size(), r.output().lines().filter(l -> l.endsWith(": OK")).count(), r.output());
    }

    @Test
    void weReadEveryFormSha256sumWrites() throws Exception {
        for (List<String> options : List.of(List.<String>of(), List.of("--binary"), List.of("--tag"),
                List.of("-z"), List.of("--tag", "-z"))) {
            List<String> args = new java.util.ArrayList<>(options);
            args.addAll(NAMES);
            Sha256sumTool.Result r = Sha256sumTool.run(dir, args.toArray(String[]::new));
            assertEquals(0, r.code(), r.output());
            Path manifest = Files.writeString(tmp.resolve("sums"), r.output());
            ChecksumManifest.Verification v = ChecksumManifest.verify(manifest, dir);
            assertTrue(v.passed(), options + ": " + v.problems());
            assertEquals(NAMES.size(), v.matched(), options.toString());
        }
    }
}
