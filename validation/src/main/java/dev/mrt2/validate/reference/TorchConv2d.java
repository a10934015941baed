package dev.mrt2.validate.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@link Conv2d} on DJL's PyTorch engine (NCHW conv2d, float32, all cores). The engine loads offline from the
 * pytorch-native jar on the class path; {@code -Dai.djl.offline=true} keeps DJL from reaching the network.
 */
public final class TorchConv2d implements Conv2d, AutoCloseable {
    private final NDManager manager;

    public TorchConv2d() {
        this.manager = NDManager.newBaseManager("PyTorch");
    }

    @Override
    public Chw valid(Chw x, ConvWeights w) {
        int[] size = Conv2d.outputSize(x, w);
        try (NDManager m = manager.newSubManager()) {
            NDArray input = m.create(x.data(), new Shape(1, x.channels(), x.time(), x.freq()));
            NDArray kernel = m.create(w.oihw(), new Shape(w.cout(), w.cin(), w.kt(), w.kf()));
            NDArray bias = m.create(w.bias(), new Shape(w.cout()));
            NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(input, kernel, bias, new Shape(1, 1), new Shape(0, 0),
                    new Shape(1, 1), 1).singletonOrThrow();
            return new Chw(y.toFloatArray(), w.cout(), size[0], size[1]);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
