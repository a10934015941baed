package dev.mrt2.validate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

/** The PyTorch engine must load offline (surefire passes -Dai.djl.offline=true) and run an NCHW conv2d. */
class DjlEngineTest {
    @Test
    void pytorchConv2dRunsOffline() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // x = [[1,2,3],[4,5,6],[7,8,9]] (1x1x3x3), w = ones 2x2 -> valid cross-correlation sums of 2x2 windows
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new Shape(1, 1, 3, 3));
            NDArray w = m.create(new float[] {1, 0, 0, 2}, new Shape(1, 1, 2, 2));
            NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
            assertEquals(new Shape(1, 1, 2, 2), y.getShape());
            // y[i][j] = x[i][j] + 2 x[i+1][j+1]
            assertArrayEquals(new float[] {1 + 10, 2 + 12, 4 + 16, 5 + 18}, y.toFloatArray());
        }
    }
}
