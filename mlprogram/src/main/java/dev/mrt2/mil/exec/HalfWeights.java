package dev.mrt2.mil.exec;

/**
 * How executors hold binary16 linear weights ({@code -Dmrt2.executor.halfweights=on|off|auto}, see
 * {@link KernelContext#halfWeights}), and a command's way to prefer 16-bit weights for its own run when memory counts
 * more than a step's speed. The bits computed are the same either way.
 */
public final class HalfWeights {
    /** The system property that chooses; an explicit value always wins over a command's preference. */
    public static final String PROPERTY = KernelContext.HALF_WEIGHTS;

    private HalfWeights() {}

    /**
     * Runs {@code work} with binary16 weights kept 16-bit ({@code on}) unless the property is set already; the
     * property is as it was afterwards.
     */
    public static <T> T preferredWhile(java.util.function.Supplier<T> work) {
        if (System.getProperty(PROPERTY) != null) {
            return work.get();
        }
        System.setProperty(PROPERTY, "on");
        try {
            return work.get();
        } finally {
            System.clearProperty(PROPERTY);
        }
    }
}
