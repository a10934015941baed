package dev.mrt2.validate.reference;

import dev.mrt2.mil.exec.ConvBackend;
import dev.mrt2.mil.exec.ConvGeometry;
import dev.mrt2.mil.exec.Convolutions;
import dev.mrt2.tensor.NdArray;

/**
 * {@link Conv2d} in float32 on the fastest convolution kernels here: the native accelerator (DJL's PyTorch engine)
 * where it loads, otherwise the pure-JVM kernels, which sum every output in the textbook order (input channel, then
 * kernel row, then kernel column). Either agrees with the float64 {@link ScalarConv2d} to float32 rounding.
 */
public final class FastConv2d implements Conv2d, AutoCloseable {
    private final ConvBackend backend;

    private FastConv2d(ConvBackend backend) {
        this.backend = backend;
    }

    /** The native kernels where they load, else the JVM ones. */
    public static FastConv2d fastest() {
        return new FastConv2d(Convolutions.fastest());
    }

    /** The pure-JVM kernels, whatever is on the class path. */
    public static FastConv2d jvm() {
        return new FastConv2d(Convolutions.jvm());
    }

    /** Which kernels run, e.g. "java" or "djl-pytorch", for logs and benchmark reports. */
    public String backendName() {
        return backend.name();
    }

    @Override
    public Chw valid(Chw x, ConvWeights w) {
        int[] size = Conv2d.outputSize(x, w);
        NdArray input = NdArray.f32(new int[] {1, x.channels(), x.time(), x.freq()}, x.data());
        NdArray kernel = NdArray.f32(new int[] {w.cout(), w.cin(), w.kt(), w.kf()}, w.oihw());
        int[] zero = {0, 0};
        int[] one = {1, 1};
        ConvGeometry g = new ConvGeometry(false, 1, w.cin(), w.cout(), 1, new int[] {x.time(), x.freq()},
                new int[] {w.kt(), w.kf()}, one, one, zero, zero, size);
        float[] y = backend.conv(input, kernel, false, g);
        int plane = size[0] * size[1];
        for (int o = 0; o < w.cout(); o++) {
            float b = w.bias()[o];
            for (int i = o * plane; i < (o + 1) * plane; i++) {
                y[i] += b;
            }
        }
        return new Chw(y, w.cout(), size[0], size[1]);
    }

    @Override
    public void close() {
        backend.close();
    }
}
