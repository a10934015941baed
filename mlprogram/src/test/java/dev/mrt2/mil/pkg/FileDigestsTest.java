package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestsTest {
    @TempDir
    Path tmp;

    @Test
    void everyFileOfATreeHashesAsAloneWhateverTheThreads() throws Exception {
        Path pkg = tmp.resolve("A.mlpackage");
        Files.createDirectories(pkg.resolve("Data/weights"));
        Random random = new Random(5);
        for (String name : new String[] {"Manifest.json", "Data/model.mlmodel", "Data/weights/weight.bin"}) {
            byte[] bytes = new byte[random.nextInt(3 << 20)];
            random.nextBytes(bytes);
            Files.write(pkg.resolve(name), bytes);
        }
        for (int threads : new int[] {1, 3}) {
            try (FileDigests digests = new FileDigests(threads)) {
                SortedMap<String, String> tree = digests.tree(pkg);
                assertEquals(java.util.List.of("Data/model.mlmodel", "Data/weights/weight.bin", "Manifest.json"),
                        java.util.List.copyOf(tree.keySet()));
                for (var e : tree.entrySet()) {
                    assertEquals(Digests.sha256(pkg.resolve(e.getKey())), e.getValue(), e.getKey());
                }
                // asked again by another spelling of the path: the same digest, not a second hash
                assertEquals(tree.get("Manifest.json"), digests.sha256(tmp.resolve("A.mlpackage/./Manifest.json")));
            }
        }
    }

    @Test
    void aFileThatCannotBeReadFailsNamingIt() {
        Path missing = tmp.resolve("gone.safetensors");
        try (FileDigests digests = new FileDigests(2)) {
            digests.request(missing);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> digests.sha256(missing));
            assertTrue(e.getMessage().startsWith(missing.toString()), e.getMessage());
        }
    }
}
