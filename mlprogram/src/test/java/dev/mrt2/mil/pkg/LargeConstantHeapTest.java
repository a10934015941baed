package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MiB constant goes from its source to weight.bin without passing through the heap: used heap after GC,
 * measured while the builder and its model are still alive, grows by far less than the constant's size. Both
 * ways a converter feeds weights are covered: chunks from a producer, and a memory-mapped buffer passed as is.
 */
class LargeConstantHeapTest {
    private static final int ROWS = 25_600;
    private static final int COLS = 1_024;
    private static final long CONSTANT_BYTES = 4L * ROWS * COLS;          // 104,857,600 bytes = 100 MiB
    private static final long HEAP_BUDGET = 16L << 20;                    // what the test tolerates: 16 MiB
    private static final TensorType TYPE = TensorType.of(DataType.FLOAT32, ROWS, COLS);

    @TempDir
    Path dir;

    @Test
    void hundredMegabyteConstantNeverSitsOnTheHeap() {
        long before = usedHeapAfterGc();
        Path streamed = dir.resolve("streamed.mlpackage");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(streamed, Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            float[] row = new float[COLS];
            Var w = b.constantStream("w", TYPE, chunks -> {
                for (int i = 0; i < ROWS; i++) {
                    row[i % COLS] = i;                 // one row at a time, reusing one 4 KiB array
                    chunks.writeFloats(row, 0, COLS);
                }
            });
            b.output("y", b.linear("y", b.input("x", TensorType.of(DataType.FLOAT32, 1, COLS)), w, null));
            assertGrowthBelowBudget("streamed constant", before, usedHeapAfterGc());
            PackageWriteResult r = pkg.commit(b.build(Metadata.empty()));
            assertEquals(128 + CONSTANT_BYTES, r.weightBytes());
        }

        // The blob of the package just written, memory-mapped by the reader, becomes the source of a new constant.
        try (MlPackage read = MlPackageReader.read(streamed);
             MlPackageBuilder pkg = MlPackageBuilder.create(dir.resolve("mapped.mlpackage"), Opset.IOS15)) {
            ByteBuffer mapped = read.model().program().main().block().operations().get(0).value().data();
            assertTrue(mapped.isDirect(), "the reader hands out a mapping, not a heap copy");
            MilBuilder b = pkg.builder();
            Var w = b.constantBuffer("w", TYPE, mapped);
            b.output("y", b.linear("y", b.input("x", TensorType.of(DataType.FLOAT32, 1, COLS)), w, null));
            assertGrowthBelowBudget("mapped constant", before, usedHeapAfterGc());
            PackageWriteResult r = pkg.commit(b.build(Metadata.empty()));
            assertEquals(128 + CONSTANT_BYTES, r.weightBytes());
            assertEquals(12345f, mapped.getFloat(4 * (12345 * COLS + 12345 % COLS)), "element [12345, 57]");
        }
    }

    private static void assertGrowthBelowBudget(String what, long before, long after) {
        long growth = after - before;
        assertTrue(growth < HEAP_BUDGET, what + ": heap grew by " + growth + " bytes for a " + CONSTANT_BYTES + "-byte constant");
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
