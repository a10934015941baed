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
    private final ExecutorBackend backend;
    private final ConvBackend conv;
    private final Map<NdArray, Map<String, Object>> derived = new IdentityHashMap<>();
    private final Map<String, Map<String, Object>> prepared = new HashMap<>();

    KernelContext(ExecutorBackend backend) {
        this.backend = backend;
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
