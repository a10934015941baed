package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Var;
import dev.mrt2.safetensors.Float16;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * gelu and elu of an F16 tensor go through a 65536-entry table; on every binary16 pattern (NaNs, infinities,
 * subnormals, both zeros) they must give the bits of the same op run on the same values as F32 (the direct loop)
 * rounded to binary16.
 */
class HalfTableTest {
    private static final int N = 1 << 16;

    private static float[] everyHalf() {
        float[] v = new float[N];
        for (int h = 0; h < N; h++) {
            v[h] = Float16.toFloat((short) h);
        }
        return v;
    }

    /** The op on {@code kind} values on {@code backend} (JAVA uses the table for F16, SCALAR never does). */
    private static float[] run(BiFunction<OpHarness, Var, Var> build, DataType kind, ExecutorBackend backend) {
        float[] values = everyHalf();
        OpHarness h = new OpHarness();
        Var x = h.in("x", kind, N);
        Var y = build.apply(h, x);
        NdArray in = kind == DataType.FLOAT16 ? NdArray.f16(new int[] {N}, values) : NdArray.f32(new int[] {N}, values);
        return h.run(backend, Map.of("x", in), y).get(y.name()).floats();
    }

    private static void sameAsDirect(String op, BiFunction<OpHarness, Var, Var> build) {
        float[] table = run(build, DataType.FLOAT16, ExecutorBackend.JAVA);
        assertEquals(N, table.length);
        assertArrayEquals(run(build, DataType.FLOAT16, ExecutorBackend.SCALAR), table, op + " against the oracle");
        float[] f32 = run(build, DataType.FLOAT32, ExecutorBackend.JAVA);
        float[] direct = new float[N];
        for (int i = 0; i < N; i++) {
            direct[i] = Float16.round(f32[i]);
        }
        assertArrayEquals(direct, table, op + " against the float32 loop rounded");
    }

    @Test
    void geluOfEveryHalfMatchesTheDirectLoop() {
        for (String mode : new String[] {"EXACT", "TANH_APPROXIMATION", "SIGMOID_APPROXIMATION"}) {
            sameAsDirect("gelu " + mode, (h, x) -> h.b.gelu("y", x, mode));
        }
    }

    @Test
    void eluOfEveryHalfMatchesTheDirectLoop() {
        sameAsDirect("elu 1", (h, x) -> h.b.elu("y", x, 1f));
        sameAsDirect("elu 0.375", (h, x) -> h.b.elu("y", x, 0.375f));   // the same alpha in binary16 and float32
    }

    @Test
    void everyNonNanPatternIndexesItself() {
        for (int h = 0; h < N; h++) {
            float v = Float16.toFloat((short) h);
            if (!Float.isNaN(v)) {
                assertEquals(h, HalfTable.bits(v), "pattern " + Integer.toHexString(h));
            } else {
                assertEquals(0x7C00, HalfTable.bits(v) & 0x7C00, "a NaN stays a NaN pattern");
            }
        }
    }
}
