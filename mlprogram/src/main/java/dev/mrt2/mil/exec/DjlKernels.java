package dev.mrt2.mil.exec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mrt2.tensor.NdArray;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Convolutions, and linear layers over several rows, on DJL's PyTorch engine (oneDNN / MKL kernels): the fast path
 * for the decoder's ~48 G MACs and the depth body's logits. Constant weights are copied to native memory once per
 * executor. Uneven conv padding (the decoder's causal time padding) is applied to a Java copy of the input;
 * conv_transpose runs as one ordinary convolution per output phase.
 *
 * <p>The engine is loaded offline from the pytorch-native jar on the class path; where it cannot load (another OS or
 * CPU than the pinned linux-x86_64 native build) {@link #available()} is false and the executor uses {@link JavaConv}.
 */
final class DjlKernels implements ConvBackend {
    private static final String ENGINE = "PyTorch";
    private static volatile String unavailableReason;
    private static volatile boolean probed;

    private final NDManager manager;
    private final Map<NdArray, NDArray> weights = new IdentityHashMap<>();
    private final Map<NdArray, Map<String, NDArray>> phaseWeights = new IdentityHashMap<>();
    private final JavaConv fallback = new JavaConv();

    private DjlKernels(NDManager manager) {
        this.manager = manager;
    }

    /** Whether the PyTorch engine loads; probed once per JVM. */
    static synchronized boolean available() {
        if (!probed) {
            probed = true;
            // never let DJL reach for the network, and keep its logging setup quiet on stderr
            if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
            if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
            try {
                Engine.getEngine(ENGINE);
            } catch (Throwable t) {   // UnsatisfiedLinkError and EngineException both mean "not here"
                unavailableReason = t.toString();
            }
        }
        return unavailableReason == null;
    }

    static DjlKernels open() {
        if (!available()) {
            throw new ExecutorException("DJL PyTorch engine is not available: " + unavailableReason
                    + " (use -D" + ExecutorBackend.PROPERTY + "=java)");
        }
        return new DjlKernels(NDManager.newBaseManager(ENGINE));
    }

    @Override
    public String name() {
        return "djl-pytorch";
    }

    /**
     * {@code x [m, k] · weightᵀ} for weight {@code [n, k]}, no bias. Sums in MKL's order, not the oracle's, so results
     * differ from {@link Gemm} in the last bits; only worth the copies when m is large enough to be compute bound.
     */
    float[] linear(float[] x, int m, int k, NdArray weight, boolean weightIsConstant) {
        try (NDManager call = manager.newSubManager()) {
            NDArray in = call.create(x, new Shape(m, k));
            NDArray w = weight(call, weight, weightIsConstant);
            return in.getNDArrayInternal().linear(in, w, null).singletonOrThrow().toFloatArray();
        }
    }

    @Override
    public float[] conv(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry g) {
        int s = g.spatialRank();
        boolean even = java.util.Arrays.equals(g.before(), g.after());
        try (NDManager call = manager.newSubManager()) {
            NDArray in = even ? call.create(x.floats(), new Shape(toLongs(x.shape())))
                    : padded(call, x, g);
            NDArray w = weight(call, weight, weightIsConstant);
            long[] pad = new long[s];
            for (int i = 0; i < s; i++) pad[i] = even ? g.before()[i] : 0;
            NDList out = in.getNDArrayInternal().convolution(in, w, null, new Shape(toLongs(g.strides())),
                    new Shape(pad), new Shape(toLongs(g.dilations())), g.groups());
            return out.singletonOrThrow().toFloatArray();
        }
    }

    /**
     * PyTorch's engine in DJL has no transposed convolution, so it is split by output phase: the outputs at
     * {@code o ≡ r (mod s)} only meet kernel taps {@code k ≡ r (mod s)}, which makes each phase an ordinary stride-1
     * convolution of x with the flipped sub-kernel {@code w[(K_r − 1 − j)·s + r]}, zero-padded by {@code K_r − 1} on
     * both sides. The phases are interleaved into the requested window. Same MACs as the direct form, no zero
     * insertion. Dilated transposed convolutions (never emitted by our converters) go to {@link JavaConv}.
     */
    @Override
    public float[] convTranspose(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry geometry) {
        for (int d : geometry.dilations()) {
            if (d != 1) {
                return fallback.convTranspose(x, weight, weightIsConstant, geometry);
            }
        }
        int rank = geometry.spatialRank();
        ConvGeometry g = geometry.as3d();
        int[] s = g.strides();
        int[] k = g.kernel();
        int[] od = g.outSpatial();
        int planes = g.batch() * g.outChannels();
        float[] out = new float[planes * g.outSize()];
        try (NDManager call = manager.newSubManager()) {
            NDArray in = call.create(x.floats(), new Shape(toLongs(x.shape())));
            int[] r = new int[3];
            for (r[0] = 0; r[0] < s[0]; r[0]++) {
                for (r[1] = 0; r[1] < s[1]; r[1]++) {
                    for (r[2] = 0; r[2] < s[2]; r[2]++) {
                        int[] kr = new int[3];
                        boolean empty = false;
                        for (int i = 0; i < 3; i++) {
                            kr[i] = r[i] < k[i] ? (k[i] - r[i] + s[i] - 1) / s[i] : 0;
                            empty |= kr[i] == 0;
                        }
                        if (empty) {
                            continue;                 // no tap reaches this phase: its outputs stay zero
                        }
                        int[] phase = r.clone();
                        NDArray w = phaseWeight(call, weight, weightIsConstant, g, phase, kr, rank);
                        long[] pad = new long[rank];
                        for (int i = 0; i < rank; i++) pad[i] = kr[3 - rank + i] - 1;
                        long[] ones = new long[rank];
                        java.util.Arrays.fill(ones, 1);
                        NDList res = in.getNDArrayInternal().convolution(in, w, null, new Shape(ones), new Shape(pad),
                                new Shape(ones), g.groups());
                        interleave(res.singletonOrThrow().toFloatArray(), out, g, phase, kr, planes, od);
                    }
                }
            }
        }
        return out;
    }

    /** Writes phase outputs {@code q} to {@code o = q·s + r}, shifted by the window start and clipped to it. */
    private static void interleave(float[] phaseOut, float[] out, ConvGeometry g, int[] r, int[] kr, int planes, int[] od) {
        int[] q = new int[3];
        for (int i = 0; i < 3; i++) q[i] = g.inSpatial()[i] + kr[i] - 1;
        int qSize = q[0] * q[1] * q[2];
        int outSize = od[0] * od[1] * od[2];
        int[] dst = new int[qSize];
        int n = 0;
        for (int a = 0; a < q[0]; a++) {
            int p0 = a * g.strides()[0] + r[0] - g.before()[0];
            for (int b = 0; b < q[1]; b++) {
                int p1 = b * g.strides()[1] + r[1] - g.before()[1];
                for (int c = 0; c < q[2]; c++) {
                    int p2 = c * g.strides()[2] + r[2] - g.before()[2];
                    boolean inside = p0 >= 0 && p0 < od[0] && p1 >= 0 && p1 < od[1] && p2 >= 0 && p2 < od[2];
                    dst[n++] = inside ? (p0 * od[1] + p1) * od[2] + p2 : -1;
                }
            }
        }
        for (int p = 0; p < planes; p++) {
            int src = p * qSize;
            int base = p * outSize;
            for (int i = 0; i < qSize; i++) {
                if (dst[i] >= 0) out[base + dst[i]] = phaseOut[src + i];
            }
        }
    }

    /** The conv weight {@code [C_out, C_in/g, *K_r]} of one phase: {@code w'[o, c, j] = w[g·C_in/g + c, o mod C_out/g, (K_r − 1 − j)·s + r]}. */
    private NDArray phaseWeight(NDManager call, NdArray weight, boolean cache, ConvGeometry g, int[] r, int[] kr, int rank) {
        String key = java.util.Arrays.toString(r);
        if (cache) {
            Map<String, NDArray> byPhase = phaseWeights.computeIfAbsent(weight, w -> new java.util.TreeMap<>());
            return byPhase.computeIfAbsent(key, kk -> createPhaseWeight(manager, weight, g, r, kr, rank));
        }
        return createPhaseWeight(call, weight, g, r, kr, rank);
    }

    private static NDArray createPhaseWeight(NDManager m, NdArray weight, ConvGeometry g, int[] r, int[] kr, int rank) {
        float[] w = weight.floats();
        int cinG = g.inChannels() / g.groups();
        int coutG = g.outChannels() / g.groups();
        int[] k = g.kernel();
        int[] s = g.strides();
        int krSize = kr[0] * kr[1] * kr[2];
        float[] wp = new float[g.outChannels() * cinG * krSize];
        int pos = 0;
        for (int o = 0; o < g.outChannels(); o++) {
            int grp = o / coutG;
            int ol = o % coutG;
            for (int c = 0; c < cinG; c++) {
                int srcBase = ((grp * cinG + c) * coutG + ol) * k[0] * k[1] * k[2];
                for (int j0 = 0; j0 < kr[0]; j0++) {
                    int k0 = (kr[0] - 1 - j0) * s[0] + r[0];
                    for (int j1 = 0; j1 < kr[1]; j1++) {
                        int k1 = (kr[1] - 1 - j1) * s[1] + r[1];
                        for (int j2 = 0; j2 < kr[2]; j2++) {
                            int k2 = (kr[2] - 1 - j2) * s[2] + r[2];
                            wp[pos++] = w[srcBase + (k0 * k[1] + k1) * k[2] + k2];
                        }
                    }
                }
            }
        }
        long[] shape = new long[2 + rank];
        shape[0] = g.outChannels();
        shape[1] = cinG;
        for (int i = 0; i < rank; i++) shape[2 + i] = kr[3 - rank + i];
        return m.create(wp, new Shape(shape));
    }

    private NDArray weight(NDManager call, NdArray weight, boolean cache) {
        if (!cache) {
            return call.create(weight.floats(), new Shape(toLongs(weight.shape())));
        }
        return weights.computeIfAbsent(weight, w -> manager.create(w.floats(), new Shape(toLongs(w.shape()))));
    }

    /** x with the conv's uneven zero padding applied, as a native array. */
    private static NDArray padded(NDManager call, NdArray x, ConvGeometry g) {
        int s = g.spatialRank();
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        for (int i = 0; i < s; i++) outShape[2 + i] += g.before()[i] + g.after()[i];
        float[] dst = new float[Shapes.size(outShape)];
        int[] dstStrides = Shapes.strides(outShape);
        int offset = 0;
        for (int i = 0; i < s; i++) offset += g.before()[i] * dstStrides[2 + i];
        Strided.scatter(x.floats(), dst, offset, dstStrides, shape);
        return call.create(dst, new Shape(toLongs(outShape)));
    }

    private static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    @Override
    public void close() {
        weights.clear();
        phaseWeights.clear();
        fallback.close();
        manager.close();
    }
}
