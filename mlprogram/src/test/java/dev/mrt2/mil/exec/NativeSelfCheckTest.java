package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.tensor.NdArray;
import org.junit.jupiter.api.Test;

/**
 * The accelerator self-check against kernels whose faults are known: the JVM kernels and the scalar oracle pass; a
 * backend that is wrong only when the input channels are not a multiple of 16 (what PyTorch 2.7.1 does on an AMD
 * Zen 5), one off by more than float32 rounding, and one that returns NaN are refused, with the case named.
 */
class NativeSelfCheckTest {
    /** DirectConv with {@code fault} applied to its results when {@code when} holds for the geometry. */
    private record Faulty(java.util.function.Predicate<ConvGeometry> when, java.util.function.DoubleUnaryOperator fault)
            implements ConvBackend {
        @Override
        public String name() {
            return "faulty";
        }

        @Override
        public float[] conv(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry g) {
            return apply(g, new DirectConv().conv(x, weight, weightIsConstant, g));
        }

        @Override
        public float[] convTranspose(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry g) {
            return apply(g, new DirectConv().convTranspose(x, weight, weightIsConstant, g));
        }

        private float[] apply(ConvGeometry g, float[] y) {
            if (when.test(g)) {
                for (int i = 0; i < y.length; i += 7) {
                    y[i] = (float) fault.applyAsDouble(y[i]);
                }
            }
            return y;
        }
    }

    @Test
    void kernelsThatAgreePass() {
        assertNull(NativeSelfCheck.disagreement(new DirectConv()));
        assertNull(NativeSelfCheck.disagreement(new ScalarConv()), "the oracle sums in another order, within rounding");
        assertNull(NativeSelfCheck.disagreement(new Faulty(g -> true, v -> v * (1 + 1e-6))), "float32 rounding");
    }

    @Test
    void kernelsWrongOnSomeShapesAreRefusedNamingTheCase() {
        String channels = NativeSelfCheck.disagreement(new Faulty(g -> g.inChannels() % 16 != 0, v -> v * 1.1));
        assertTrue(channels != null && channels.contains("conv 72 -> 67 channels, kernel 3x3 on 13x45"), channels);
        String transposed = NativeSelfCheck.disagreement(new Faulty(ConvGeometry::transpose, v -> v + 0.5));
        assertTrue(transposed != null && transposed.contains("conv_transpose 72 -> 40"), transposed);
        String nan = NativeSelfCheck.disagreement(new Faulty(g -> g.batch() > 1, v -> Double.NaN));
        assertTrue(nan != null && nan.contains("batch 2") && nan.contains("relative error NaN"), nan);
    }
}
