package dev.mrt2.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mrt2.mil.exec.Accelerator;
import dev.mrt2.mil.exec.ConvBackend;
import dev.mrt2.mil.exec.ConvGeometry;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Convolutions on DJL's PyTorch engine (oneDNN kernels). Constant weights
 * are copied to native memory once per executor. Uneven conv padding (the decoder's causal time padding) is applied
 * to a Java copy of the input; conv_transpose runs as one ordinary convolution per output phase.
 *
 * <p>Only convolutions that PyTorch hands to oneDNN run here. The others (1×1 kernels, small batch-1 inputs) would
 * take PyTorch's own path, which first asks NNPACK whether this CPU is supported and logs a warning line on stderr
 * when it is not; they are small, so the JVM kernels ({@code fallback}) run them instead.
 */
final class DjlKernels implements Accelerator.Kernels {
    /** PyTorch sends a batch-1 input of at most this many values with a kernel of at most 3×3 to its own conv path. */
    private static final long ONEDNN_MIN_VALUES = 20480;

    private final NDManager manager;
    private final ConvBackend fallback;
    private final Map<NdArray, NDArray> weights = new IdentityHashMap<>();
    private final Map<NdArray, Map<String, NDArray>> phaseWeights = new IdentityHashMap<>();

    DjlKernels(NDManager manager, ConvBackend fallback) {
        this.manager = manager;
        this.fallback = fallback;
    }

    @Override
    public String name() {
        return "djl-pytorch";
    }

    /**
     * Whether PyTorch runs a convolution of this input and kernel on oneDNN (its {@code use_mkldnn} rule for float
     * CPU tensors), which never consults NNPACK. Spatial rank 1 is viewed as rank 2 by PyTorch; 1×1 kernels are
     * left to the JVM whatever the thread count.
     */
    static boolean onednn(int batch, long inputValues, int groups, int[] kernel) {
        if (kernel.length == 3) {
            return true;                      // 3-D convolutions never reach NNPACK
        }
        int kh = kernel.length == 2 ? kernel[0] : 1;
        int kw = kernel[kernel.length - 1];
        if (kh == 1 && kw == 1) {
            return false;
        }
        return groups > 1 || (kh > 3 && kw > 3) || batch > 1 || inputValues > ONEDNN_MIN_VALUES;
    }

    @Override
    public float[] conv(NdArray x, NdArray weight, boolean weightIsConstant, ConvGeometry g) {
        int s = g.spatialRank();
        boolean even = Arrays.equals(g.before(), g.after());
        long values = even ? x.size() : paddedSize(x.shape(), g);
        if (!onednn(g.batch(), values, g.groups(), g.kernel())) {
            return fallback.conv(x, weight, weightIsConstant, g);
        }
        try (NDManager call = manager.newSubManager()) {
            NDArray in = even ? call.create(x.floats(), new Shape(toLongs(x.shape()))) : padded(call, x, g);
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
     * both sides. The phases are interleaved into the requested window. Dilated transposed convolutions (never
     * emitted by our converters) and phases PyTorch would not give oneDNN go to the JVM kernels.
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
        int[] od = g.outSpatial();
        int[] r = new int[3];
        for (r[0] = 0; r[0] < s[0]; r[0]++) {
            for (r[1] = 0; r[1] < s[1]; r[1]++) {
                for (r[2] = 0; r[2] < s[2]; r[2]++) {
                    int[] kr = g.phaseKernel(r);
                    if (kr != null && !onednn(g.batch(), x.size(), g.groups(), Arrays.copyOfRange(kr, 3 - rank, 3))) {
                        return fallback.convTranspose(x, weight, weightIsConstant, geometry);
                    }
                }
            }
        }
        int planes = g.batch() * g.outChannels();
        float[] out = new float[planes * g.outSize()];
        try (NDManager call = manager.newSubManager()) {
            NDArray in = call.create(x.floats(), new Shape(toLongs(x.shape())));
            for (r[0] = 0; r[0] < s[0]; r[0]++) {
                for (r[1] = 0; r[1] < s[1]; r[1]++) {
                    for (r[2] = 0; r[2] < s[2]; r[2]++) {
                        int[] kr = g.phaseKernel(r);
                        if (kr == null) {
                            continue;                 // no tap reaches this phase: its outputs stay zero
                        }
                        int[] phase = r.clone();
                        NDArray w = phaseWeight(call, weight, weightIsConstant, g, phase, kr, rank);
                        long[] pad = new long[rank];
                        for (int i = 0; i < rank; i++) pad[i] = kr[3 - rank + i] - 1;
                        long[] ones = new long[rank];
                        Arrays.fill(ones, 1);
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

    /** The conv weight {@code [C_out, C_in/g, *K_r]} of one phase ({@link ConvGeometry#phaseWeight}) in native memory. */
    private NDArray phaseWeight(NDManager call, NdArray weight, boolean cache, ConvGeometry g, int[] r, int[] kr, int rank) {
        String key = Arrays.toString(r);
        if (cache) {
            Map<String, NDArray> byPhase = phaseWeights.computeIfAbsent(weight, w -> new TreeMap<>());
            return byPhase.computeIfAbsent(key, kk -> createPhaseWeight(manager, weight, g, r, kr, rank));
        }
        return createPhaseWeight(call, weight, g, r, kr, rank);
    }

    private static NDArray createPhaseWeight(NDManager m, NdArray weight, ConvGeometry g, int[] r, int[] kr, int rank) {
        long[] shape = new long[2 + rank];
        shape[0] = g.outChannels();
        shape[1] = g.inChannels() / g.groups();
        for (int i = 0; i < rank; i++) shape[2 + i] = kr[3 - rank + i];
        return m.create(g.phaseWeight(weight.floats(), r, kr), new Shape(shape));
    }

    private NDArray weight(NDManager call, NdArray weight, boolean cache) {
        if (!cache) {
            return call.create(weight.floats(), new Shape(toLongs(weight.shape())));
        }
        return weights.computeIfAbsent(weight, w -> manager.create(w.floats(), new Shape(toLongs(w.shape()))));
    }

    private static long paddedSize(int[] shape, ConvGeometry g) {
        long n = (long) shape[0] * shape[1];
        for (int i = 0; i < g.spatialRank(); i++) n *= shape[2 + i] + g.before()[i] + g.after()[i];
        return n;
    }

    /** x with the conv's uneven zero padding applied, as a native array. */
    private static NDArray padded(NDManager call, NdArray x, ConvGeometry geometry) {
        ConvGeometry g = geometry.as3d();
        int[] in = g.inSpatial();
        int[] p = new int[3];
        for (int i = 0; i < 3; i++) p[i] = in[i] + g.before()[i] + g.after()[i];
        int planes = g.batch() * g.inChannels();
        int inPlane = in[0] * in[1] * in[2];
        int outPlane = p[0] * p[1] * p[2];
        float[] src = x.floats();
        float[] dst = new float[planes * outPlane];
        for (int c = 0; c < planes; c++) {
            for (int i0 = 0; i0 < in[0]; i0++) {
                for (int i1 = 0; i1 < in[1]; i1++) {
                    System.arraycopy(src, c * inPlane + (i0 * in[1] + i1) * in[2], dst,
                            c * outPlane + ((i0 + g.before()[0]) * p[1] + i1 + g.before()[1]) * p[2] + g.before()[2], in[2]);
                }
            }
        }
        int rank = geometry.spatialRank();
        long[] shape = new long[2 + rank];
        shape[0] = g.batch();
        shape[1] = g.inChannels();
        for (int i = 0; i < rank; i++) shape[2 + i] = p[3 - rank + i];
        return call.create(dst, new Shape(shape));
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
