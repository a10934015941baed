package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.io.OutputException;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic output: nothing appears at the target before commit, and an old package is replaced only at the rename. */
class MlPackageBuilderTest {
    @TempDir
    Path dir;

    @Test
    void closingWithoutCommitLeavesNothing() {
        Path target = dir.resolve("T.mlpackage");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS15)) {
            pkg.builder().constant("c", TensorType.of(DataType.FLOAT32, 20), new float[20]);
            assertEquals(List.of(".T.mlpackage.tmp-0"), names(dir));
            assertFalse(Files.exists(target));
        }
        assertEquals(List.of(), names(dir));
    }

    @Test
    void existingPackageIsReplacedOnlyAtTheRename() {
        Path target = dir.resolve("T.mlpackage");
        PackageWriteResult old = Examples.writeA(target);
        PackageWriteResult replaced;
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            Var x = b.input("x", TensorType.of(DataType.FLOAT32, 1, 10));
            b.output("y", b.add("y", x, b.constant("c", TensorType.of(DataType.FLOAT32, 1, 10), new float[10])));
            assertEquals(old.modelSha256(), Digests.sha256(target.resolve(PackageLayout.MODEL_FILE)), "old package intact");
            replaced = pkg.commit(b.build(Metadata.empty()));
        }
        assertNotEquals(old.modelSha256(), replaced.modelSha256());
        assertEquals(replaced.modelSha256(), Digests.sha256(target.resolve(PackageLayout.MODEL_FILE)));
        assertEquals(List.of("T.mlpackage"), names(dir), "no staging or old copy left behind");
    }

    @Test
    void refusesToReplaceSomethingThatIsNotAPackage() throws IOException {
        Path target = dir.resolve("precious");
        Files.createDirectory(target);
        Files.writeString(target.resolve("notes.txt"), "keep me");
        // an output problem (exit 1), not a graph error
        OutputException e = assertThrows(OutputException.class, () -> Examples.writeA(target));
        assertEquals(target + ": exists and is not a .mlpackage; refusing to replace it", e.getMessage());
        assertEquals("keep me", Files.readString(target.resolve("notes.txt")));
        assertEquals(List.of("precious"), names(dir));
    }

    @Test
    void invalidModelFailsTheCommitAndLeavesNoPackage() {
        Path target = dir.resolve("T.mlpackage");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            Var x = b.input("x", TensorType.of(DataType.FLOAT32, 1, 4));
            b.output("y", b.relu("y", x));
            Model built = b.build(Metadata.empty());
            Model wrongVersion = new Model(7, built.description(), built.program());
            MilException e = assertThrows(MilException.class, () -> pkg.commit(wrongVersion));
            assertTrue(e.getMessage().contains("created for IOS15"), e.getMessage());
        }
        assertEquals(List.of(), names(dir));
    }

    @Test
    void blobOfAnotherPackageIsRefused() {
        Path first = dir.resolve("one.mlpackage");
        try (MlPackageBuilder one = MlPackageBuilder.create(first, Opset.IOS15);
             MlPackageBuilder two = MlPackageBuilder.create(dir.resolve("two.mlpackage"), Opset.IOS15)) {
            MilBuilder a = one.builder();
            Var x = a.input("x", TensorType.of(DataType.FLOAT32, 1, 10));
            a.output("y", a.add("y", x, a.constant("c", TensorType.of(DataType.FLOAT32, 1, 10), new float[10])));
            MilException e = assertThrows(MilException.class, () -> two.commit(a.build(Metadata.empty())));
            assertTrue(e.getMessage().contains("op 'c': blob constant belongs to another weight file"), e.getMessage());
        }
        assertEquals(List.of(), names(dir));
    }

    @Test
    void concurrentBuildersOfOneTargetStageApart() {
        Path target = dir.resolve("T.mlpackage");
        try (MlPackageBuilder a = MlPackageBuilder.create(target, Opset.IOS15);
             MlPackageBuilder b = MlPackageBuilder.create(target, Opset.IOS15)) {
            assertEquals(List.of(".T.mlpackage.tmp-0", ".T.mlpackage.tmp-1"), names(dir));
            assertTrue(a != b);
        }
    }

    @Test
    void secondCommitIsRefused() {
        Path target = dir.resolve("T.mlpackage");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            b.output("y", b.relu("y", b.input("x", TensorType.of(DataType.FLOAT32, 1, 4))));
            Model m = b.build(Metadata.empty());
            pkg.commit(m);
            assertThrows(MilException.class, () -> pkg.commit(m));
        }
        assertEquals(List.of("T.mlpackage"), names(dir));
    }

    @Test
    void killedWriterLeavesNoPackageAtTheTarget() throws Exception {
        Path target = dir.resolve("K.mlpackage");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KilledWriterMain.class.getName(), target.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertEquals("READY", line, "child did not start");
            child.destroyForcibly();                       // SIGKILL: no shutdown hooks, no close()
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertFalse(Files.exists(target), "a killed writer must leave no package");
        assertEquals(List.of(".K.mlpackage.tmp-0"), names(dir), "only the abandoned staging directory remains");
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
