package dev.mrt2.cli;

import dev.mrt2.mil.pkg.Digests;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every locale gives the same bytes. The whole job (demo: synth, convert, validate with receipts, checksum, verify)
 * runs under tr_TR, where "I".toLowerCase() is a dotless ı, and then under the root locale; every file they write
 * must be identical. tr_TR goes first, so classes that capture the locale when they load capture the Turkish one.
 */
class LocaleDeterminismTest {
    private static final Locale TURKISH = Locale.forLanguageTag("tr-TR");
    private static final Locale GERMAN = Locale.forLanguageTag("de-DE");

    @TempDir
    Path dir;

    @Test
    void theWholeJobUnderTurkishWritesEveryByteAsUnderTheRootLocale() throws IOException {
        Path turkish = dir.resolve("tr");
        Path plain = dir.resolve("root");
        CliRun tr = underLocale(TURKISH, () -> CliRun.of("demo", "--out", turkish.toString(), "--json"));
        CliRun root = underLocale(Locale.ROOT, () -> CliRun.of("demo", "--out", plain.toString(), "--json"));
        assertEquals(0, tr.code(), tr.toString());
        assertEquals(0, root.code(), root.toString());

        List<String> files = files(plain);
        assertEquals(files, files(turkish), "the same files");
        assertTrue(files.stream().anyMatch(f -> f.startsWith("validation/") && f.endsWith("_validation.json")),
                "receipts are compared too: " + files);
        assertTrue(files.contains("artifacts/SHA256SUMS") && files.contains("mrt2_tiny_seed0.safetensors"), files.toString());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(plain.resolve(f)), Files.readAllBytes(turkish.resolve(f)),
                    f + " differs between tr_TR and the root locale");
        }
        String depthReceipt = Files.readString(turkish.resolve("validation/MRT2DepthBody_validation.json"));
        assertTrue(depthReceipt.contains("\"depth_logits\""), "the kind is spelled with an i: " + depthReceipt);
        assertFalse(tr.out().contains("ı") || tr.err().contains("ı"), tr.toString());

        // what demo promises: six steps, validated, verified, the golden bytes reproduced, receipts beside the artifacts
        List<String> steps = root.errLines().stream().filter(l -> l.startsWith("[")).toList();
        assertEquals(6, steps.size(), root.toString());
        assertTrue(steps.get(0).startsWith("[1/6] synth tiny"), root.toString());
        assertTrue(steps.get(2).startsWith("[3/6] validate"), root.toString());
        assertTrue(steps.get(4).startsWith("[5/6] verify"), root.toString());
        assertTrue(steps.get(5).startsWith("[6/6] compare"), root.toString());
        JsonNode j = new ObjectMapper().readTree(root.out());
        assertTrue(j.get("validate").get("passed").asBoolean(), root.toString());
        assertTrue(j.get("verify").get("ok").asBoolean());
        // the self-test: this JVM converts the tiny seed-0 checkpoint into the pinned bytes, every file of them
        assertTrue(j.get("golden").get("ok").asBoolean(), root.toString());
        assertEquals(Files.readAllLines(GoldenBytesTest.goldenFile("tiny")).size(), j.get("golden").get("matched").asInt());
        assertEquals(Digests.sha256(plain.resolve("mrt2_tiny_seed0.safetensors")), j.get("synth").get("sha256").asText());
    }

    @Test
    void numbersPrintWithAPointUnderGerman() {
        Path out = dir.resolve("t.safetensors");
        CliRun r = underLocale(GERMAN, () -> CliRun.of("synth", "--out", out.toString()));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().matches("(?s).*\\(write \\d+\\.\\d\\d s, sha256 \\d+\\.\\d\\d s\\)\\s*"), r.out());
    }

    private static CliRun underLocale(Locale locale, java.util.function.Supplier<CliRun> run) {
        Locale saved = Locale.getDefault();
        Locale.setDefault(locale);
        try {
            return run.get();
        } finally {
            Locale.setDefault(saved);
        }
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
