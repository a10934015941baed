package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.MlPackageBuilder;
import dev.mrt2.tensor.Npz;
import dev.mrt2.tensor.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
    @TempDir
    Path dir;

    /** acc (fp16 [1, 4]) += x; outputs the new total as fp32, and x·300 in fp16 (which can overflow). */
    private Path accumulator() {
        Path target = dir.resolve("Acc.mlpackage");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS18)) {
            MilBuilder b = pkg.builder();
            Var acc = b.state("acc", TensorType.of(DataType.FLOAT16, 1, 4));
            Var x = b.input("x", TensorType.of(DataType.FLOAT16, 1, 4));
            Var sum = b.add("sum", b.readState("old", acc), x);
            b.writeState("store", acc, sum);
            b.output("total", b.cast("total_fp32", sum, DataType.FLOAT32));
            b.output("scaled", b.mul("scaled", x, 300f));
            pkg.commit(b.build(null));
        }
        return target;
    }

    private Path npz(String name, Map<String, NdArray> arrays) {
        Path file = dir.resolve(name);
        Npz.write(file, arrays);
        return file;
    }

    @Test
    void oneCallWritesEveryOutput() {
        Path in = npz("in.npz", Map.of("x", NdArray.f16(new int[] {1, 4}, new float[] {1, 2, 3, 4})));
        Path out = dir.resolve("out.npz");
        CliRun r = CliRun.of("predict", accumulator().toString(), "--inputs", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        Map<String, NdArray> got = Npz.read(out);
        assertEquals(java.util.Set.of("total", "scaled"), got.keySet());
        assertArrayEquals(new float[] {1, 2, 3, 4}, got.get("total").floats());
        assertEquals(NdArray.Kind.F16, got.get("scaled").kind());
        assertTrue(r.out().contains("total f32[1, 4]"), r.toString());
    }

    @Test
    void stepsFeedSuccessiveSlicesToTheStatefulModelAndStackOutputs() {
        float[] three = {1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400};
        Path pkg = accumulator();
        // [N, *S] in float32 (rounded to the fp16 input, with a note), then the first axis split into N
        for (NdArray member : new NdArray[] {NdArray.f32(new int[] {3, 1, 4}, three), NdArray.f16(new int[] {3, 4}, three)}) {
            Path in = npz("steps.npz", Map.of("x", member));
            Path out = dir.resolve("steps_out.npz");
            CliRun r = CliRun.of("predict", pkg.toString(), "--inputs", in.toString(), "--out", out.toString(), "--steps", "3");
            assertEquals(0, r.code(), r.toString());
            NdArray total = Npz.read(out).get("total");
            assertArrayEquals(new int[] {3, 1, 4}, total.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 11, 22, 33, 44, 111, 222, 333, 444}, total.floats(), member.toString());
            assertEquals(member.kind() == NdArray.Kind.F32, r.err().contains("float32 values rounded to fp16"), r.toString());
        }
    }

    @Test
    void jsonNamesTheFirstNonFiniteOp() throws Exception {
        Path in = npz("big.npz", Map.of("x", NdArray.f16(new int[] {1, 4}, new float[] {1000, 1, 1, 1})));
        Path out = dir.resolve("big_out.npz");
        CliRun r = CliRun.of("predict", accumulator().toString(), "--inputs", in.toString(), "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("scaled", doc.get("first_non_finite").get("op").asText());
        assertEquals("mul", doc.get("first_non_finite").get("op_type").asText());
        assertEquals(0, doc.get("first_non_finite").get("call").asInt());
        assertTrue(r.err().contains("warning: first non-finite output: op 'scaled' (mul)"), r.toString());
        assertEquals(Float.POSITIVE_INFINITY, Npz.read(out).get("scaled").floats()[0]);
    }

    @Test
    void badInputsExitThreeWithOneLineNamingTheFile() {
        Path pkg = accumulator();
        Path out = dir.resolve("never.npz");
        Path wrong = npz("wrong.npz", Map.of("y", NdArray.f16(new int[] {1, 4}, new float[4])));
        CliRun missing = CliRun.of("predict", pkg.toString(), "--inputs", wrong.toString(), "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.code(), missing.toString());
        assertEquals(1, missing.errLines().size(), missing.toString());
        assertTrue(missing.err().startsWith("mrt2: " + wrong + ": no member 'x.npy' for the package's input 'x' ("),
                missing.toString());

        Path extra = npz("extra.npz", Map.of("x", NdArray.f16(new int[] {1, 4}, new float[4]),
                "y", NdArray.f16(new int[] {1, 4}, new float[4])));
        CliRun unknown = CliRun.of("predict", pkg.toString(), "--inputs", extra.toString(), "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, unknown.code(), unknown.toString());
        assertEquals(java.util.List.of("mrt2: " + extra + ": member 'y.npy' is not an input of the package (its "
                + "inputs: x)"), unknown.errLines());

        Path shape = npz("shape.npz", Map.of("x", NdArray.f16(new int[] {1, 3}, new float[3])));
        CliRun badShape = CliRun.of("predict", pkg.toString(), "--inputs", shape.toString(), "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, badShape.code(), badShape.toString());
        assertTrue(badShape.err().startsWith("mrt2: " + shape + ": member 'x.npy' is [1, 3], the package's input is "),
                badShape.toString());
        CliRun badSteps = CliRun.of("predict", pkg.toString(), "--inputs", shape.toString(), "--out", out.toString(),
                "--steps", "2");
        assertEquals(ExitCodes.BAD_INPUT, badSteps.code(), badSteps.toString());
        assertTrue(badSteps.err().startsWith("mrt2: " + shape + ": member 'x.npy' is [1, 3], which fits none of the "
                + "--steps 2 layouts"), badSteps.toString());

        CliRun zeroSteps = CliRun.of("predict", pkg.toString(), "--inputs", shape.toString(), "--out", out.toString(),
                "--steps", "0");
        assertEquals(ExitCodes.USAGE, zeroSteps.code(), zeroSteps.toString());
        CliRun intoPackage = CliRun.of("predict", pkg.toString(), "--inputs", shape.toString(), "--out",
                pkg.resolve("Data/out.npz").toString());
        assertEquals(ExitCodes.USAGE, intoPackage.code(), intoPackage.toString());
        assertTrue(intoPackage.err().contains("is inside the input PKG"), intoPackage.toString());
        assertFalse(Files.exists(out));

        CliRun noFile = CliRun.of("predict", pkg.toString(), "--inputs", dir.resolve("absent.npz").toString(),
                "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, noFile.code(), noFile.toString());
        assertTrue(noFile.err().startsWith("mrt2: " + dir.resolve("absent.npz") + ": no such file"), noFile.toString());

        CliRun noPackage = CliRun.of("predict", dir.resolve("None.mlpackage").toString(), "--inputs", wrong.toString(),
                "--out", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, noPackage.code(), noPackage.toString());
        assertTrue(noPackage.err().contains("None.mlpackage"), noPackage.toString());
        assertTrue(Files.notExists(out), "no output written on failure");
    }
}
