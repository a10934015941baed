package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What kernels share across ops and calls of one executor: the backend for the heavy ops, and re-laid-out copies of
 * constant operands (a transposed matmul weight, a weight already in native memory), keyed by the constant's array.
 */
final class KernelContext implements AutoCloseable {
    private final ExecutorBackend backend;
    private final ConvBackend conv;
    private final Map<NdArray, Map<String, Object>> derived = new IdentityHashMap<>();

    KernelContext(ExecutorBackend backend) {
        this.backend = backend;
        this.conv = switch (backend) {
            case SCALAR -> new ScalarConv();
            case JAVA -> new JavaConv();
            case DJL -> DjlKernels.open();
        };
    }

    ExecutorBackend backend() {
        return backend;
    }

    ConvBackend conv() {
        return conv;
    }

    /** The DJL kernels when the backend is DJL, else null. */
    DjlKernels djl() {
        return conv instanceof DjlKernels d ? d : null;
    }

    /** {@code C = A · Btᵀ} with the backend's GEMM. */
    void gemm(float[] a, int aOff, float[] bt, int bOff, float[] c, int cOff, int m, int n, int k) {
        if (backend == ExecutorBackend.SCALAR) {
            Gemm.scalar(a, aOff, bt, bOff, c, cOff, m, n, k);
        } else {
            Gemm.blocked(a, aOff, bt, bOff, c, cOff, m, n, k);
        }
    }

    /** A value derived from constant {@code source}, computed once per {@code kind}. */
    @SuppressWarnings("unchecked")
    <T> T derived(NdArray source, String kind, Supplier<T> compute) {
        Map<String, Object> byKind = derived.computeIfAbsent(source, s -> new java.util.TreeMap<>());
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
        conv.close();
    }
}
