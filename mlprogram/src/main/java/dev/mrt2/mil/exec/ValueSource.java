package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;

/** What an op's by-name bindings resolve against during one predict call. */
interface ValueSource {
    /** The tensor bound to {@code name}, or null when no tensor of that name is live. */
    NdArray tensor(String name);

    /** A live value or an already decoded constant; never decodes. */
    NdArray peek(String name);

    /** The undecoded constant {@code name}, or null when it is not a tensor constant. */
    dev.mrt2.mil.ConstValue constantValue(String name);

    /** The string constant named {@code name}, or null. */
    String string(String name);

    /** Whether {@code name} is a constant (weights may then be cached in kernel-ready layouts). */
    boolean isConstant(String name);

    /** Whether {@code name} is a state of the function. */
    boolean isState(String name);

    NdArray readState(String name);

    void writeState(String name, NdArray value);

    /**
     * The product {@code x · weightᵀ} already computed for op {@code opName} in this call together with the other calls
     * of a batch ({@link LinearBatch}), handed over once; null when there is none.
     */
    default float[] takeProduct(String opName) {
        return null;
    }
}
