package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.ProgramText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build -> write -> read -> write gives identical bytes in every file; the same build twice gives the same bytes. */
class RoundTripTest {
    @TempDir
    Path dir;

    @Test
    void exampleARoundTrips() {
        assertRoundTrip(Examples::writeA);
    }

    @Test
    void exampleABlobRoundTrips() {
        assertRoundTrip(Examples::writeABlob);
    }

    @Test
    void statefulExampleBRoundTrips() {
        assertRoundTrip(t -> Examples.writeB(t, Metadata.empty()));
    }

    @Test
    void mixedProgramRoundTrips() {
        assertRoundTrip(MixedProgram::write);
    }

    @Test
    void readModelEqualsTheBuiltModel() {
        Path target = dir.resolve("mixed.mlpackage");
        Model built;
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS18)) {
            built = MixedProgram.build(pkg.builder());
            pkg.commit(built);
        }
        try (MlPackage read = MlPackageReader.read(target)) {
            Model m = read.model();
            assertEquals(ProgramText.of(built), ProgramText.of(m));
            assertEquals(built.description(), m.description());
            assertEquals(built.specificationVersion(), m.specificationVersion());
            List<Operation> a = built.program().main().block().operations();
            List<Operation> b = m.program().main().block().operations();
            int blobs = 0;
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).name(), b.get(i).name());
                assertEquals(a.get(i).inputs(), b.get(i).inputs());
                assertEquals(a.get(i).outputs(), b.get(i).outputs());
                if (a.get(i).value() != null) {
                    assertEquals(a.get(i).value().type(), b.get(i).value().type());
                    assertEquals(a.get(i).value() instanceof ConstValue.Blob, b.get(i).value() instanceof ConstValue.Blob);
                    if (b.get(i).value() instanceof ConstValue.Blob blob) {
                        blobs++;
                        assertTrue(blob.data().isReadOnly());
                    }
                    if (b.get(i).value().type().dataType() != dev.mrt2.mil.DataType.STRING) {
                        assertEquals(bytes(a.get(i).value().data()), bytes(b.get(i).value().data()), a.get(i).name());
                    }
                }
            }
            assertEquals(7, blobs, "fp16 x4, fp32, int32 and int8 constants of >= 10 elements");
            assertEquals(blobs, read.weightFile().records().size());
        }
    }

    @Test
    void sameBuildTwiceGivesTheSameBytes() {
        PackageWriteResult a = MixedProgram.write(dir.resolve("one.mlpackage"));
        PackageWriteResult b = MixedProgram.write(dir.resolve("two.mlpackage"));
        assertEquals(a.modelSha256(), b.modelSha256());
        assertEquals(a.weightSha256(), b.weightSha256());
        assertEquals(a.manifestSha256(), b.manifestSha256());
    }

    @Test
    void rewritingSharesABlobThatTwoConstantsShared() {
        Path first = dir.resolve("shared.mlpackage");
        Examples.writeABlob(first);
        try (MlPackage read = MlPackageReader.read(first)) {
            Model m = read.model();
            List<Operation> ops = new ArrayList<>(m.program().main().block().operations());
            Operation c = ops.get(0);
            ops.add(1, new Operation("const", "c2", c.inputs(), List.of(new dev.mrt2.mil.Var("c2", c.value().type())), c.value()));
            Model twice = Examples.singleFunction(Opset.IOS15, m.program().main().inputs(), ops,
                    m.description().inputs(), m.description().outputs());
            PackageWriteResult r = MlPackageWriter.write(dir.resolve("twice.mlpackage"), twice);
            assertEquals(168, r.weightBytes(), "one blob, referenced twice");
        }
    }

    private void assertRoundTrip(Function<Path, PackageWriteResult> writer) {
        Path first = dir.resolve("first.mlpackage");
        Path second = dir.resolve("second.mlpackage");
        Path third = dir.resolve("third.mlpackage");
        PackageWriteResult built = writer.apply(first);
        PackageWriteResult rewritten;
        try (MlPackage read = MlPackageReader.read(first)) {
            rewritten = MlPackageWriter.write(second, read.model());
        }
        assertEquals(built.modelSha256(), rewritten.modelSha256());
        assertEquals(built.weightSha256(), rewritten.weightSha256());
        assertEquals(built.manifestSha256(), rewritten.manifestSha256());
        assertSameTree(first, second);
        try (MlPackage read = MlPackageReader.read(second)) {
            MlPackageWriter.write(third, read.model());
        }
        assertSameTree(first, third);
    }

    static void assertSameTree(Path a, Path b) {
        List<Path> left = files(a);
        List<Path> right = files(b);
        assertEquals(left.stream().map(a::relativize).toList(), right.stream().map(b::relativize).toList());
        assertFalse(left.isEmpty());
        for (int i = 0; i < left.size(); i++) {
            try {
                assertArrayEquals(Files.readAllBytes(left.get(i)), Files.readAllBytes(right.get(i)), left.get(i).toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<Path> files(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer bytes(ByteBuffer b) {
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b.duplicate());
        return copy.flip();
    }
}
