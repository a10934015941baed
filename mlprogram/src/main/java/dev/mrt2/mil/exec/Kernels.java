package dev.mrt2.mil.exec;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Every op type the executor runs, by its MIL name. {@code const} is not here: constants are decoded, not run. */
final class Kernels {
    private static final SortedMap<String, Kernel> TABLE;

    static {
        TreeMap<String, Kernel> t = new TreeMap<>();
        ElementwiseKernels.register(t);
        UnaryKernels.register(t);
        ReductionKernels.register(t);
        ShapeKernels.register(t);
        IndexingKernels.register(t);
        LinearAlgebraKernels.register(t);
        ConvKernels.register(t);
        NormKernels.register(t);
        StateKernels.register(t);
        TABLE = Collections.unmodifiableSortedMap(t);
    }

    private Kernels() {}

    static Kernel forType(String opType) {
        return TABLE.get(opType);
    }
}
