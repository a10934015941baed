package dev.mrt2.mil.exec;

import dev.mrt2.tensor.NdArray;

/**
 * Convolutions as GEMMs on the blocked Java kernel, for machines where DJL's PyTorch engine cannot load.
 * conv: im2col (one row of patch values per output position) times the weight rows. conv_transpose: the transposed
 * weight times the input columns, then col2im scatters each product to its output position. Output positions are
 * processed in chunks so the patch matrix stays around 16 MB.
 */
final class JavaConv implements ConvBackend {
    private static final int CHUNK_FLOATS = 1 << 22;

    private final java.util.Map<NdArray, float[]> transposedWeights = new java.util.IdentityHashMap<>();

    @Override
    public String name() {
        return "java";
    }

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
        int kk = g.kernelSize();
        int kc = cinG * kk;
        int positions = g.outSize();
        int chunk = Math.max(1, Math.min(positions, CHUNK_FLOATS / Math.max(kc, 1)));
        float[] cols = new float[chunk * kc];
        float[] tmp = new float[coutG * chunk];
        float[] out = new float[g.batch() * g.outChannels() * positions];
        for (int n = 0; n < g.batch(); n++) {
            for (int grp = 0; grp < g.groups(); grp++) {
                int cBase = n * g.inChannels() + grp * cinG;
                for (int p0 = 0; p0 < positions; p0 += chunk) {
                    int pc = Math.min(chunk, positions - p0);
                    for (int r = 0; r < pc; r++) {
                        int p = p0 + r;
                        int q2 = p % od[2];
                        int q1 = (p / od[2]) % od[1];
                        int q0 = p / (od[2] * od[1]);
                        int col = r * kc;
                        for (int c = 0; c < cinG; c++) {
                            int plane = (cBase + c) * id[0];
                            for (int k0 = 0; k0 < k[0]; k0++) {
                                int i0 = q0 * g.strides()[0] - g.before()[0] + k0 * g.dilations()[0];
                                for (int k1 = 0; k1 < k[1]; k1++) {
                                    int i1 = q1 * g.strides()[1] - g.before()[1] + k1 * g.dilations()[1];
                                    boolean rowInside = i0 >= 0 && i0 < id[0] && i1 >= 0 && i1 < id[1];
                                    int rowBase = rowInside ? ((plane + i0) * id[1] + i1) * id[2] : 0;
                                    for (int k2 = 0; k2 < k[2]; k2++) {
                                        int i2 = q2 * g.strides()[2] - g.before()[2] + k2 * g.dilations()[2];
                                        cols[col++] = rowInside && i2 >= 0 && i2 < id[2] ? in[rowBase + i2] : 0f;
                                    }
                                }
                            }
                        }
                    }
                    Gemm.blocked(w, grp * coutG * kc, cols, 0, tmp, 0, coutG, pc, kc);
                    for (int o = 0; o < coutG; o++) {
                        System.arraycopy(tmp, o * pc, out, ((n * g.outChannels() + grp * coutG + o) * positions) + p0, pc);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public float[] convTranspose(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry geometry) {
        ConvGeometry g = geometry.as3d();
        float[] in = x.floats();
        int cinG = g.inChannels() / g.groups();
        int coutG = g.outChannels() / g.groups();
        int[] id = g.inSpatial();
        int[] od = g.outSpatial();
        int[] k = g.kernel();
        int kk = g.kernelSize();
        int rows = coutG * kk;
        int inPositions = g.inSize();
        int outPositions = g.outSize();
        float[] a = weightIsConstant ? transposedWeights.computeIfAbsent(weight, wt -> transposeWeight(wt, g))
                : transposeWeight(weight, g);
        int chunk = Math.max(1, Math.min(inPositions, CHUNK_FLOATS / Math.max(rows, 1)));
        float[] xt = new float[chunk * cinG];
        float[] c = new float[rows * chunk];
        float[] out = new float[g.batch() * g.outChannels() * outPositions];
        for (int n = 0; n < g.batch(); n++) {
            for (int grp = 0; grp < g.groups(); grp++) {
                int cBase = n * g.inChannels() + grp * cinG;
                for (int p0 = 0; p0 < inPositions; p0 += chunk) {
                    int pc = Math.min(chunk, inPositions - p0);
                    for (int r = 0; r < pc; r++) {
                        for (int ch = 0; ch < cinG; ch++) {
                            xt[r * cinG + ch] = in[(cBase + ch) * inPositions + p0 + r];
                        }
                    }
                    Gemm.blocked(a, grp * rows * cinG, xt, 0, c, 0, rows, pc, cinG);
                    for (int row = 0; row < rows; row++) {
                        int ol = row / kk;
                        int kr = row % kk;
                        int k2 = kr % k[2];
                        int k1 = (kr / k[2]) % k[1];
                        int k0 = kr / (k[2] * k[1]);
                        int outPlane = (n * g.outChannels() + grp * coutG + ol) * outPositions;
                        for (int r = 0; r < pc; r++) {
                            int p = p0 + r;
                            int i2 = p % id[2];
                            int i1 = (p / id[2]) % id[1];
                            int i0 = p / (id[2] * id[1]);
                            int q0 = i0 * g.strides()[0] + k0 * g.dilations()[0] - g.before()[0];
                            int q1 = i1 * g.strides()[1] + k1 * g.dilations()[1] - g.before()[1];
                            int q2 = i2 * g.strides()[2] + k2 * g.dilations()[2] - g.before()[2];
                            if (q0 < 0 || q0 >= od[0] || q1 < 0 || q1 >= od[1] || q2 < 0 || q2 >= od[2]) continue;
                            out[outPlane + (q0 * od[1] + q1) * od[2] + q2] += c[row * pc + r];
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Weight {@code [C_in, C_out/g, *K]} as, per group, {@code [C_out/g · K, C_in/g]} (the GEMM's A operand). */
    private static float[] transposeWeight(NdArray weight, ConvGeometry g) {
        float[] w = weight.floats();
        int cinG = g.inChannels() / g.groups();
        int rows = g.outChannels() / g.groups() * g.kernelSize();
        float[] a = new float[w.length];
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int c = 0; c < cinG; c++) {
                int src = (grp * cinG + c) * rows;
                for (int r = 0; r < rows; r++) {
                    a[grp * rows * cinG + r * cinG + c] = w[src + r];
                }
            }
        }
        return a;
    }

    @Override
    public void close() {
        transposedWeights.clear();
    }
}
