package dev.mrt2.mil.exec;

/**
 * A constant right operand B {@code [K, N]} laid out once for fast products: {@link Panels} (float32) or
 * {@link HalfPanels} (binary16, half the memory). Either computes {@code C[M, N] = A[M, K] · B} with every output
 * summed exactly as {@link Gemm#scalar} sums it.
 */
interface PackedWeight {
    void multiply(float[] a, int aOff, int m, float[] c, int cOff);
}
