package dev.mrt2.model;

/**
 * One convolution of the SpectroStream decoder (mrt2-model.md §2.9, §4.2): its key path, kernel size, strides and
 * channel counts. Channel counts are multiples of the codec top width W (512 in the real model); see
 * {@link Mrt2Layout#codecConvs(Mrt2Dims)} for the whole list in checkpoint order.
 *
 * @param path      key path below {@code params/soundstream/decoder/}, without {@code /conv/kernel}
 * @param kt        kernel size along time
 * @param kf        kernel size along frequency
 * @param cin       input channels
 * @param cout      output channels
 * @param st        stride along time (transpose convs only; 1 otherwise)
 * @param sf        stride along frequency
 * @param transpose true for a Conv2DTranspose
 */
public record CodecBlock(String path, int kt, int kf, int cin, int cout, int st, int sf, boolean transpose) {
    public String kernelKey() {
        return Mrt2Keys.codec(path, "kernel");
    }

    public String biasKey() {
        return Mrt2Keys.codec(path, "bias");
    }

    static CodecBlock conv(String path, int k, int cin, int cout) {
        return new CodecBlock(path, k, k, cin, cout, 1, 1, false);
    }

    /** Pre-activated transpose conv named after its kernel: (max(3, 2 st), max(3, 2 sf)). */
    static CodecBlock transpose(String block, int st, int sf, int cin, int cout) {
        int kt = Math.max(3, 2 * st);
        int kf = Math.max(3, 2 * sf);
        return new CodecBlock(block + "/conv2dtranspose_" + kt + "x" + kf, kt, kf, cin, cout, st, sf, true);
    }
}
