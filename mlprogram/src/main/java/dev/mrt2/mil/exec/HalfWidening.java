package dev.mrt2.mil.exec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Widens binary16 rows to float32 with the JDK's own conversion, {@code Float.float16ToFloat} (Java 20 and later),
 * which C2 compiles to vector conversions from Java 21 on (JDK-8294588: {@code vcvtph2ps} on x86 with F16C). The
 * project targets Java 17, which has no such method, so it is looked up once and called through a constant method
 * handle that C2 inlines like a direct call. The conversion is exact for every half, so which JDK runs changes time,
 * never a bit.
 */
final class HalfWidening {
    /** The first Java release whose C2 vectorizes the conversion; before it, the integer widening is faster. */
    static final int FIRST_VECTORIZED_RELEASE = 21;
    private static final MethodHandle TO_FLOAT = lookUp();

    private HalfWidening() {}

    /** Whether this JVM has the conversion and vectorizes it. */
    static boolean available() {
        return TO_FLOAT != null && Runtime.version().feature() >= FIRST_VECTORIZED_RELEASE;
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

    private static MethodHandle lookUp() {
        try {
            return MethodHandles.publicLookup().findStatic(Float.class, "float16ToFloat",
                    MethodType.methodType(float.class, short.class));
        } catch (NoSuchMethodException | IllegalAccessException absent) {
            return null;   // Java 17 to 19
        }
    }
}
