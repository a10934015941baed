package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What kernels share across ops and calls of one executor: the backend for the heavy ops, and kernel-ready copies
 * of constant operands (a weight cut into {@link Panels}, a weight already in native memory), made once.
 */
final class KernelContext implements AutoCloseable {
    /** {@code -Dmrt2.executor.halfweights=on|off|auto}: keep binary16 linear weights binary16 in memory. */
    static final String HALF_WEIGHTS = "mrt2.executor.halfweights";

    private final ExecutorBackend backend;
    private final ConvBackend conv;
    private final boolean halfWeights;
    private final Map<NdArray, Map<String, Object>> derived = new IdentityHashMap<>();
    private final Map<String, Map<String, Object>> prepared = new HashMap<>();

    KernelContext(ExecutorBackend backend) {
        this(backend, 0);
    }

    /** {@code halfWeightsAsFloat}: bytes the program's binary16 linear weights take once widened to float32. */
    KernelContext(ExecutorBackend backend, long halfWeightsAsFloat) {
        this.backend = backend;
        Axpy.checkSetting(Axpy.setting());
        this.halfWeights = keepHalf(halfWeightsAsFloat);
        switch (backend) {
            case SCALAR -> this.conv = new ScalarConv();
            case JAVA -> this.conv = new DirectConv();
            default -> this.conv = Accelerators.open(new DirectConv());
        }
    }

    ExecutorBackend backend() {
        return backend;
    }

    /** Whether the plain loops (the oracle) run everything. */
    boolean scalar() {
        return backend == ExecutorBackend.SCALAR;
    }

    ConvBackend conv() {
        return conv;
    }

    /**
     * Whether binary16 linear weights stay binary16 ({@link HalfPanels}: half the memory and half the bytes a streaming
     * step reads). Automatic: always where the JVM vectorizes the widening and that was measured faster (Java 21+ on
     * x86-64, {@link JdkHalfFloat#fasterThanFloat32}); elsewhere (on Java 17 the integer widening makes a step about a
     * tenth slower on this project's Xeon) only when widened they would take more than a third of the heap, e.g. the
     * 730 MB temporal body under validate's 1.2 GB heap, but not under a benchmark's 6 GB.
     */
    boolean halfWeights() {
        return halfWeights;
    }

    /** Whether a program whose binary16 linear weights take {@code halfWeightsAsFloat} bytes widened keeps them 16-bit. */
    static boolean keepHalf(long halfWeightsAsFloat) {
        String v = System.getProperty(HALF_WEIGHTS, "auto").toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            case "auto" -> JdkHalfFloat.fasterThanFloat32()
                    || halfWeightsAsFloat > Runtime.getRuntime().maxMemory() / 3;
            default -> throw new ExecutorException("-D" + HALF_WEIGHTS + "=" + v + ": expected on, off or auto");
        };
    }

    /** A value derived from constant array {@code source}, computed once per {@code kind}. */
    <T> T derived(NdArray source, String kind, Supplier<T> compute) {
        return cached(derived, source, kind, compute);
    }

    /** A kernel-ready form of the constant named {@code constant}, computed once per {@code kind}. */
    <T> T prepared(String constant, String kind, Supplier<T> compute) {
        return cached(prepared, constant, kind, compute);
    }

    @SuppressWarnings("unchecked")
    private static <K, T> T cached(Map<K, Map<String, Object>> cache, K key, String kind, Supplier<T> compute) {
        Map<String, Object> byKind = cache.computeIfAbsent(key, s -> new TreeMap<>());
        Object v = byKind.get(kind);
        if (v == null) {
            v = compute.get();
            byKind.put(kind, v);
        }
        return (T) v;
    }

    @Override
    public void close() {
        derived.clear();
        prepared.clear();
        conv.close();
    }
}
