package dev.mrt2.mil.exec;

/**
 * The one loop shape the fast kernels are built from: {@code s[j] = s[j] + a0·b0[j] + a1·b1[j] + a2·b2[j] + a3·b3[j]}
 * for {@code j < width}, evaluated left to right (four products added in order, each rounded, never fused).
 *
 * <p>Why this shape: Java 17's C2 turns a loop into AVX/AVX-512 vector code only when every array in it is indexed
 * by the loop variable alone, one array is written, and the body is small (measured on this project's Xeon: this
 * form runs at about 45 GFLOP/s per core; with a second written array, six read rows, or a per-row offset in the
 * index it falls back to scalar code at 5 to 10). The callers keep each row of an operand in an array of its own
 * for that reason.
 */
final class Axpy {
    private Axpy() {}

    static void four(float[] s, float a0, float[] b0, float a1, float[] b1, float a2, float[] b2, float a3, float[] b3,
                     int width) {
        for (int j = 0; j < width; j++) {
            s[j] = s[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
        }
    }

    static void one(float[] s, float a0, float[] b0, int width) {
        for (int j = 0; j < width; j++) {
            s[j] = s[j] + a0 * b0[j];
        }
    }
}
