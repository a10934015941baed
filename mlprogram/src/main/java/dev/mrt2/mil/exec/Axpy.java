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
    /**
     * {@code -Dmrt2.executor.twooutputs=on|off|auto}: whether the kernels update two sums per pass over four rows
     * ({@link #fourTwo}). Automatic: from Java 25, whose C2 turns that loop into vector code (measured on a 2-core Zen 5
     * VM, rows in L1, one thread: 80-86 GFLOP/s against 55-65 for {@link #four}); Java 17's keeps it scalar (12), and
     * 21 to 24 are not measured. Same bits either way: each sum takes the same products in the same order.
     */
    static final String TWO_OUTPUTS_PROPERTY = "mrt2.executor.twooutputs";
    static final int FIRST_TWO_OUTPUT_RELEASE = 25;
    static final boolean TWO_OUTPUTS = twoOutputs(setting());

    private Axpy() {}

    /** The {@link #TWO_OUTPUTS_PROPERTY} setting, lower case. */
    static String setting() {
        return System.getProperty(TWO_OUTPUTS_PROPERTY, "auto").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * What {@code setting} chooses. Never throws (it runs in a static initializer, where a failure would surface as a
     * stack trace): an unknown setting chooses as {@code auto} here and is refused by {@link #checkSetting}, which
     * every executor calls first.
     */
    static boolean twoOutputs(String setting) {
        return switch (setting) {
            case "on" -> true;
            case "off" -> false;
            default -> Runtime.version().feature() >= FIRST_TWO_OUTPUT_RELEASE;
        };
    }

    /** Refuses a setting other than on, off and auto, in one line. */
    static void checkSetting(String setting) {
        if (!setting.equals("on") && !setting.equals("off") && !setting.equals("auto")) {
            throw new ExecutorException("-D" + TWO_OUTPUTS_PROPERTY + "=" + setting + ": expected on, off or auto");
        }
    }

    static void four(float[] s, float a0, float[] b0, float a1, float[] b1, float a2, float[] b2, float a3, float[] b3,
                     int width) {
        for (int j = 0; j < width; j++) {
            s[j] = s[j] + a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
        }
    }

    /**
     * {@link #four} for two sums over the same four rows: {@code s[j] += a0·b0[j] + … + a3·b3[j]} and
     * {@code t[j] += c0·b0[j] + … + c3·b3[j]}, each evaluated left to right as {@link #four} does, so each sum gets the
     * bits it gets there; each row value is loaded once for both.
     */
    static void fourTwo(float[] s, float[] t, float a0, float a1, float a2, float a3, float c0, float c1, float c2,
                        float c3, float[] b0, float[] b1, float[] b2, float[] b3, int width) {
        for (int j = 0; j < width; j++) {
            float x0 = b0[j];
            float x1 = b1[j];
            float x2 = b2[j];
            float x3 = b3[j];
            s[j] = s[j] + a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
            t[j] = t[j] + c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
        }
    }

    static void one(float[] s, float a0, float[] b0, int width) {
        for (int j = 0; j < width; j++) {
            s[j] = s[j] + a0 * b0[j];
        }
    }
}
