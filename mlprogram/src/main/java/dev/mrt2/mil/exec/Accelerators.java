package dev.mrt2.mil.exec;

import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds the {@link Accelerator} on the class path, once per JVM, and uses it only when its convolutions agree with the
 * JVM kernels on a few cases ({@link NativeSelfCheck}; a refusal is one notice). {@code -Dmrt2.native=off} (or the
 * environment variable {@code MRT2_NATIVE=off}) turns native code off entirely: nothing native is loaded and every
 * command runs on the pure-JVM kernels.
 */
public final class Accelerators {
    public static final String PROPERTY = "mrt2.native";
    public static final String ENVIRONMENT = "MRT2_NATIVE";

    private static volatile java.util.function.Consumer<String> notices = m -> System.err.println("mrt2: " + m);
    private static Accelerator found;
    private static String reason;
    private static boolean probed;

    private Accelerators() {}

    /** Where one-time notices go (default: a line on stderr), e.g. the first unpacking of a native library. */
    public static void setNotices(java.util.function.Consumer<String> sink) {
        notices = sink;
    }

    /** Hands a one-time notice of an accelerator to the sink. */
    public static void notice(String message) {
        notices.accept(message);
    }

    /** Whether native code is switched off by the property or the environment. */
    public static boolean disabled() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isEmpty()) {
            v = System.getenv(ENVIRONMENT);
        }
        return v != null && v.toLowerCase(Locale.ROOT).equals("off");
    }

    /** The accelerator that loads here, or null (then {@link #unavailableReason()} says why). */
    public static synchronized Accelerator find() {
        if (!probed) {
            probed = true;
            if (disabled()) {
                reason = "native code is off (-D" + PROPERTY + "=off or " + ENVIRONMENT + "=off)";
            } else {
                probe();
            }
        }
        return found;
    }

    private static void probe() {
        StringBuilder why = new StringBuilder();
        for (Accelerator a : ServiceLoader.load(Accelerator.class, Accelerators.class.getClassLoader())) {
            String r = a.unavailableReason();
            if (r == null) {
                r = selfCheck(a);
                if (r == null) {
                    found = a;
                    return;
                }
                notice(a.name() + ": " + r + "; the JVM kernels run instead");
            }
            why.append(why.length() == 0 ? "" : "; ").append(a.name()).append(": ").append(r);
        }
        reason = why.length() == 0 ? "no native accelerator on the class path" : why.toString();
    }

    /** Null when {@code a}'s convolutions agree with the JVM kernels ({@link NativeSelfCheck}), else why not. */
    private static String selfCheck(Accelerator a) {
        try (Accelerator.Kernels kernels = a.open(new DirectConv())) {
            return NativeSelfCheck.disagreement(kernels);
        } catch (RuntimeException e) {
            return "its convolution self-check failed: " + e.getMessage();
        }
    }

    /** Why no accelerator is in use, or null when one is. */
    public static String unavailableReason() {
        find();
        return reason;
    }

    /** The accelerator's kernels; fails with the reason when there is none. */
    static Accelerator.Kernels open(ConvBackend fallback) {
        Accelerator a = find();
        if (a == null) {
            throw new ExecutorException("the native backend is not available: " + reason + " (use -D"
                    + ExecutorBackend.PROPERTY + "=java)");
        }
        return a.open(fallback);
    }
}
