package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;

/** The oracle: convolutions as the textbook loops, 1-D and 2-D treated as 3-D with unit leading axes. */
final class ScalarConv implements ConvBackend {
    @Override
    public String name() {
        return "scalar";
    }

    /** {@code out[n, o, p] = Σ_{c, k} x[n, g·C_in/g + c, p·s − before + k·d] · w[o, c, k]}, zero outside x. */
    @Override
    public float[] conv(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry geometry) {
        ConvGeometry g = geometry.as3d();
        float[] in = x.floats();
        float[] w = weight.floats();
        int cinG = g.inChannels() / g.groups();
        int coutG = g.outChannels() / g.groups();
        int[] id = g.inSpatial();
        int[] od = g.outSpatial();
        int[] k = g.kernel();
        float[] out = new float[g.batch() * g.outChannels() * g.outSize()];
        int pos = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                int c0 = (o / coutG) * cinG;
                for (int p0 = 0; p0 < od[0]; p0++) {
                    for (int p1 = 0; p1 < od[1]; p1++) {
                        for (int p2 = 0; p2 < od[2]; p2++) {
                            float acc = 0f;
                            for (int c = 0; c < cinG; c++) {
                                for (int k0 = 0; k0 < k[0]; k0++) {
                                    int i0 = p0 * g.strides()[0] - g.before()[0] + k0 * g.dilations()[0];
                                    if (i0 < 0 || i0 >= id[0]) continue;
                                    for (int k1 = 0; k1 < k[1]; k1++) {
                                        int i1 = p1 * g.strides()[1] - g.before()[1] + k1 * g.dilations()[1];
                                        if (i1 < 0 || i1 >= id[1]) continue;
                                        for (int k2 = 0; k2 < k[2]; k2++) {
                                            int i2 = p2 * g.strides()[2] - g.before()[2] + k2 * g.dilations()[2];
                                            if (i2 < 0 || i2 >= id[2]) continue;
                                            float xv = in[(((n * g.inChannels() + c0 + c) * id[0] + i0) * id[1] + i1) * id[2] + i2];
                                            float wv = w[(((o * cinG + c) * k[0] + k0) * k[1] + k1) * k[2] + k2];
                                            acc += xv * wv;
                                        }
                                    }
                                }
                            }
                            out[pos++] = acc;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Scatter form: {@code full[n, o, i·s + k·d] += x[n, c, i] · w[c, o mod C_out/g, k]}, then the window at {@code before}. */
    @Override
    public float[] convTranspose(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry geometry) {
        ConvGeometry g = geometry.as3d();
        float[] in = x.floats();
        float[] w = weight.floats();
        int cinG = g.inChannels() / g.groups();
        int coutG = g.outChannels() / g.groups();
        int[] id = g.inSpatial();
        int[] od = g.outSpatial();
        int[] k = g.kernel();
        float[] out = new float[g.batch() * g.outChannels() * g.outSize()];
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.inChannels(); c++) {
                int oBase = (c / cinG) * coutG;
                for (int i0 = 0; i0 < id[0]; i0++) {
                    for (int i1 = 0; i1 < id[1]; i1++) {
                        for (int i2 = 0; i2 < id[2]; i2++) {
                            float xv = in[(((n * g.inChannels() + c) * id[0] + i0) * id[1] + i1) * id[2] + i2];
                            for (int ol = 0; ol < coutG; ol++) {
                                int o = oBase + ol;
                                for (int k0 = 0; k0 < k[0]; k0++) {
                                    int p0 = i0 * g.strides()[0] + k0 * g.dilations()[0] - g.before()[0];
                                    if (p0 < 0 || p0 >= od[0]) continue;
                                    for (int k1 = 0; k1 < k[1]; k1++) {
                                        int p1 = i1 * g.strides()[1] + k1 * g.dilations()[1] - g.before()[1];
                                        if (p1 < 0 || p1 >= od[1]) continue;
                                        for (int k2 = 0; k2 < k[2]; k2++) {
                                            int p2 = i2 * g.strides()[2] + k2 * g.dilations()[2] - g.before()[2];
                                            if (p2 < 0 || p2 >= od[2]) continue;
                                            float wv = w[(((c * coutG + ol) * k[0] + k0) * k[1] + k1) * k[2] + k2];
                                            out[(((n * g.outChannels() + o) * od[0] + p0) * od[1] + p1) * od[2] + p2] += xv * wv;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}
