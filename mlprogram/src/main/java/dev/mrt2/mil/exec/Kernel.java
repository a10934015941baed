package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;
import java.util.List;
import java.util.function.Function;

/**
 * Computes one op type: reads its parameters through {@link OpArgs} and returns one array per declared output.
 * Kernels compute floating values in float32 and never modify their inputs; the executor rounds FP16-typed outputs.
 */
@FunctionalInterface
interface Kernel {
    List<NdArray> run(OpArgs args);

    static Kernel single(Function<OpArgs, NdArray> body) {
        return args -> List.of(body.apply(args));
    }
}
