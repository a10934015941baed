package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;

/**
 * Computes convolutions without bias (the caller adds it) into a fresh {@code [N, C_out, *D_out]} array.
 * x is {@code [N, C_in, *D_in]}; conv weight {@code [C_out, C_in/groups, *K]}, conv_transpose weight
 * {@code [C_in, C_out/groups, *K]}. Implementations never modify their inputs.
 */
public interface ConvBackend extends AutoCloseable {
    String name();

    /** {@code weightIsConstant}: the same weight array comes back every call, so a backend may cache a copy of it. */
    float[] conv(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry g);

    float[] convTranspose(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry g);

    @Override
    default void close() {
    }
}
