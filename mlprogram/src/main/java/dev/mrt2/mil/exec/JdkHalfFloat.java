package dev.mrt2.mil.exec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's own binary16 conversions, {@code Float.float16ToFloat} and {@code Float.floatToFloat16} (Java 20 and
 * later), which C2 compiles to vector conversions from Java 21 on (JDK-8294588: {@code vcvtph2ps} and
 * {@code vcvtps2ph} on x86 with F16C): binary16 weights widened inside a sum, and FP16 op outputs rounded. The project
 * targets Java 17, which has neither method, so they are looked up once and called through constant method handles
 * that C2 inlines like direct calls. Both conversions are exact IEEE operations (widening exact, narrowing to nearest,
 * ties to even), so which JDK runs changes time, never a bit; NaN payloads are the one thing the JDK leaves open, and
 * {@link #roundInPlace} never passes a NaN through them.
 */
final class JdkHalfFloat {
    /** The first Java release whose C2 vectorizes the conversion; before it, the integer widening is faster. */
    static final int FIRST_VECTORIZED_RELEASE = 21;
    private static final MethodHandle TO_FLOAT = lookUp("float16ToFloat", float.class, short.class);
    private static final MethodHandle TO_HALF = lookUp("floatToFloat16", short.class, float.class);
    /** The smallest magnitude that rounds to binary16 infinity: 65504 plus half its ulp (ties to even go up). */
    private static final float FIRST_OVERFLOW = 65520f;

    private JdkHalfFloat() {}

    /** Whether this JVM has both conversions and vectorizes them. */
    static boolean available() {
        return TO_FLOAT != null && TO_HALF != null && Runtime.version().feature() >= FIRST_VECTORIZED_RELEASE;
    }

    /**
     * Rounds {@code values[from, to)} to binary16 in place, as {@link Fp16Rounding#round} does, when none is NaN, and
     * says whether every rounded value is finite; null, with nothing changed, when one is NaN (the caller then rounds
     * them its own way, keeping the payload as it always has). Only call when {@link #available()}.
     */
    static Boolean roundInPlace(float[] values, int from, int to) {
        float max = 0f;
        for (int i = from; i < to; i++) {
            max = Math.max(max, Math.abs(values[i]));     // NaN if any value is NaN
        }
        if (max != max) {
            return null;
        }
        try {
            for (int i = from; i < to; i++) {
                values[i] = (float) TO_FLOAT.invokeExact((short) TO_HALF.invokeExact(values[i]));
            }
        } catch (Throwable t) {
            throw new IllegalStateException("Float.floatToFloat16 failed", t);
        }
        return max < FIRST_OVERFLOW;
    }

    /**
     * Whether binary16 weights widened here beat float32 panels, as measured: on x86-64 (F16C), a full-size temporal
     * step 41 against 57 ms on Temurin 25. Other architectures keep float32 panels by default until measured there
     * ({@code -Dmrt2.executor.halfweights=on} chooses this path anyway; the bits are the same).
     */
    static boolean fasterThanFloat32() {
        String arch = System.getProperty("os.arch", "");
        return available() && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** {@code out[j] = float32(halves[from + j])} for {@code j < count}; only call when {@link #available()}. */
    static void widen(short[] halves, int from, float[] out, int count) {
        try {
            for (int j = 0; j < count; j++) {
                out[j] = (float) TO_FLOAT.invokeExact(halves[from + j]);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("Float.float16ToFloat failed", t);
        }
    }

    /**
     * {@code s[j] = s[j] + a0·b0[j] + a1·b1[j] + a2·b2[j] + a3·b3[j]}, where {@code b0..b3} are the four rows of
     * {@code width} halves from {@code from} on in {@code b}, each widened on the fly: the sums of {@link Axpy#four} on
     * the widened rows, bit for bit, without writing the widened rows anywhere (one row of A, a streaming step, reads
     * each weight once, so widening into a buffer first only adds memory traffic).
     */
    static void four(float[] s, short[] b, int from, int width, float a0, float a1, float a2, float a3) {
        int r1 = from + width;
        int r2 = r1 + width;
        int r3 = r2 + width;
        try {
            for (int j = 0; j < width; j++) {
                s[j] = s[j] + a0 * (float) TO_FLOAT.invokeExact(b[from + j]) + a1 * (float) TO_FLOAT.invokeExact(b[r1 + j])
                        + a2 * (float) TO_FLOAT.invokeExact(b[r2 + j]) + a3 * (float) TO_FLOAT.invokeExact(b[r3 + j]);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("Float.float16ToFloat failed", t);
        }
    }

    /** {@link Axpy#one} on the row of {@code width} halves from {@code from} on in {@code b}, widened on the fly. */
    static void one(float[] s, float a0, short[] b, int from, int width) {
        try {
            for (int j = 0; j < width; j++) {
                s[j] = s[j] + a0 * (float) TO_FLOAT.invokeExact(b[from + j]);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("Float.float16ToFloat failed", t);
        }
    }

    private static MethodHandle lookUp(String name, Class<?> result, Class<?> argument) {
        try {
            return MethodHandles.publicLookup().findStatic(Float.class, name, MethodType.methodType(result, argument));
        } catch (NoSuchMethodException | IllegalAccessException absent) {
            return null;   // Java 17 to 19
        }
    }
}
