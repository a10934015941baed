package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.proto.ModelProtos;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model.mlmodel we write parses with protobuf-java and with {@code protoc --decode} against our .proto
 * files; protoc re-encoding the decoded text gives our bytes back; and the spec's textproto examples, encoded by
 * protoc with our schema, have the spec's SHA-256 (so our field names and numbers are Apple's).
 * protoc comes from the Maven build (target/protoc-plugins) or the local Maven cache; the protoc tests skip only
 * when no executable protoc is found.
 */
class ProtocDecodeTest {
    private static final Path PROTO_DIR = Path.of("src/main/proto");
    private static Path protoc;
    private static String whyNoProtoc = "no protoc-3.25.5-*.exe in target/protoc-plugins or ~/.m2 (build the module first)";

    @TempDir
    static Path dir;

    @BeforeAll
    static void findProtoc() throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.addAll(glob(Path.of("target/protoc-plugins")));
        candidates.addAll(glob(Path.of(System.getProperty("user.home"), ".m2/repository/com/google/protobuf/protoc/3.25.5")));
        for (Path c : candidates) {
            Path copy = dir.resolve("protoc-" + candidates.indexOf(c));
            Files.copy(c, copy);
            copy.toFile().setExecutable(true);
            String problem = problemRunning(copy);
            if (problem == null) {
                protoc = copy;
                return;
            }
            whyNoProtoc = c + " is not executable here: " + problem;
        }
    }

    @Test
    void protobufJavaParsesEveryModelWeWrite() throws IOException {
        for (Path model : writtenModels()) {
            ModelProtos.Model m = ModelProtos.Model.parseFrom(Files.readAllBytes(model));
            assertTrue(m.hasMlProgram(), model.toString());
            assertTrue(m.getUnknownFields().asMap().isEmpty(), model + " has fields our schema does not know");
        }
    }

    @Test
    void protocDecodesEveryModelWeWriteAndReencodesTheSameBytes() throws Exception {
        assumeTrue(protoc != null, whyNoProtoc);
        for (Path model : writtenModels()) {
            byte[] bytes = Files.readAllBytes(model);
            String text = new String(run(bytes, "--decode=CoreML.Specification.Model"), StandardCharsets.UTF_8);
            assertTrue(text.contains("mlProgram {"), model + ":\n" + text);
            assertTrue(text.contains("key: \"main\""), model + ":\n" + text);
            assertArrayEquals(bytes, run(text.getBytes(StandardCharsets.UTF_8), "--encode=CoreML.Specification.Model"),
                    model.toString());
        }
    }

    @Test
    void specTextprotosEncodeToTheSpecDigestsWithOurSchema() throws Exception {
        assumeTrue(protoc != null, whyNoProtoc);
        String spec = Files.readString(Path.of(System.getProperty("mrt2.shared.dir", "../../shared"), "spec/coreml-mlpackage.md"));
        Matcher m = Pattern.compile("<!-- (example-[A-Za-z0-9-]+) -->\n```textproto\n(.*?)```", Pattern.DOTALL).matcher(spec);
        List<String> digests = new ArrayList<>();
        while (m.find()) {
            byte[] encoded = run(m.group(2).getBytes(StandardCharsets.UTF_8), "--encode=CoreML.Specification.Model");
            digests.add(m.group(1) + " " + Digests.sha256(encoded));
        }
        assertEquals(List.of(
                "example-A 4fc072c27543be98ba2db4b1d2268cff3a692bcda8ca9f45b1c8c45c9bea6a80",
                "example-A-fp16 f8aec00625f8c56200e8701818e6e0d693dfcf647a8b1fafa117347a3dd9e8a5",
                "example-A-blob a3fb869bc586ed6a14ed5447ef688696898624061e9cceb5459494e98027ace3",
                "example-B 93fbf2e03325dddb84e19427e3c06d73a5572f2b750c4e4718d50719f76a5f17"), digests);
    }

    private static List<Path> writtenModels() {
        Path out = dir.resolve("models");
        if (!Files.isDirectory(out)) {
            Examples.writeA(out.resolve("A.mlpackage"));
            MlPackageWriter.write(out.resolve("Afp16.mlpackage"), Examples.aFp16());
            Examples.writeABlob(out.resolve("Ablob.mlpackage"));
            Examples.writeB(out.resolve("B.mlpackage"), new Metadata("acc", "1", "me", "MIT",
                    new java.util.TreeMap<>(java.util.Map.of("k", "v", "a", ""))));
            MixedProgram.write(out.resolve("mixed.mlpackage"));
        }
        try (Stream<Path> s = Files.walk(out)) {
            List<Path> models = s.filter(p -> p.getFileName().toString().equals("model.mlmodel")).sorted().toList();
            assertEquals(5, models.size());
            return models;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] run(byte[] stdin, String mode) throws Exception {
        Process p = new ProcessBuilder(protoc.toString(), mode, "-I", PROTO_DIR.toString(), "Model.proto")
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        byte[] out = readAll(p.getInputStream());
        String err = new String(readAll(p.getErrorStream()), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "protoc did not finish");
        assertEquals(0, p.exitValue(), "protoc " + mode + " failed: " + err);
        return out;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** Null when {@code exe --version} runs and reports 25.5 (protoc 3.25.5 prints "libprotoc 25.5"). */
    private static String problemRunning(Path exe) {
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
            String v = new String(readAll(p.getInputStream()), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !v.contains("25.5")) {
                return "--version printed '" + v.strip() + "'";
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static List<Path> glob(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().matches("protoc-3\\.25\\.5-.*\\.exe")).sorted().toList();
        }
    }
}
