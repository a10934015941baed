package dev.mrt2.mil.exec;

import dev.mrt2.safetensors.Float16;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleUnaryOperator;

/**
 * A costly unary function of an F16 tensor as a lookup: binary16 has 65536 bit patterns, so the function's float
 * result for each is computed once per JVM and an element costs one conversion and one load (gelu's erf series is
 * about 40 ns an element; the FP16 temporal step runs it on 49152 values). The table holds exactly what the direct
 * loop computes for each value, rounded to binary16 as the executor would round it, so outputs are bit for bit the
 * same.
 */
final class HalfTable {
    /** Below this many elements building a table (65536 evaluations) costs more than it saves the first time. */
    static final int MIN_ELEMENTS = 1024;
    private static final Map<String, float[]> TABLES = new ConcurrentHashMap<>();

    private HalfTable() {}

    /**
     * Whether {@code x} is worth a table: F16 values, and enough of them. The scalar backend, the oracle the fast
     * kernels are tested against, always runs the direct loop.
     */
    static boolean suits(OpArgs a, NdArray x) {
        return !a.context().scalar() && x.kind() == NdArray.Kind.F16 && x.size() >= MIN_ELEMENTS;
    }

    /**
     * {@code f} applied to every element of the F16 tensor {@code x}, already rounded to binary16 (an FP16 op's
     * output: the table holds the rounded value, so the executor has nothing left to round). {@code key} names the
     * function and every parameter it captures.
     */
    static NdArray map(NdArray x, String key, DoubleUnaryOperator f) {
        float[] table = TABLES.computeIfAbsent(key, k -> build(f));
        float[] in = x.floats();
        float[] out = new float[in.length];
        Parallel.range(out.length, 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = table[bits(in[i])];
            }
        });
        return NdArray.f16Rounded(x.shape(), out);
    }

    /** The binary16 pattern of a float that holds a binary16 value (any NaN maps to a NaN pattern). */
    static int bits(float v) {
        int b = Float.floatToRawIntBits(v);
        int sign = (b >>> 16) & 0x8000;
        int abs = b & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            return sign | 0x7C00 | (abs > 0x7F800000 ? 0x200 | ((abs >>> 13) & 0x3FF) : 0);
        }
        if (abs >= 0x38800000) {
            return sign | ((abs - 0x38000000) >>> 13);     // normal: exponent rebiased from 127 to 15
        }
        return sign | (int) (Math.abs(v) * 0x1p24f);        // subnormal or zero: a multiple of 2^-24
    }

    private static float[] build(DoubleUnaryOperator f) {
        float[] table = new float[1 << 16];
        for (int h = 0; h < table.length; h++) {
            table[h] = Float16.round((float) f.applyAsDouble(Float16.toFloat((short) h)));
        }
        return table;
    }
}
