package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;

/**
 * Sees every computed op output (constants excluded), in program order, as the declared type holds it (FP16 outputs
 * already rounded). Validation uses it for per-op FP16 headroom. The array must not be modified.
 */
@FunctionalInterface
public interface OpObserver {
    void onOutput(String opName, String opType, NdArray output);
}
