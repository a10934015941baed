package dev.mrt2.convert;

import dev.mrt2.convert.DecoderActivationProfiler;
import dev.mrt2.convert.DecoderProfile;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.exec.ExecutorBackend;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.mil.exec.OpObserver;
import dev.mrt2.tensor.NdArray;
import java.util.Map;
import java.util.TreeMap;

/**
 * The FP16 decoder's activation profile (mrt2-model.md §4.6 step 1), measured by running the FP32 decoder graph on
 * the executor and watching every op output of the 7 child blocks. Uses the Java kernels, whose sums do not depend on
 * the machine, so the measured maxima (and the plan and metadata made from them) are the same everywhere.
 */
public final class DecoderBlockProfiler implements DecoderActivationProfiler {
    static final String INPUT = DecoderConverter.INPUT;

    @Override
    public DecoderProfile profile(Model fp32Decoder, float[][] embeddings) {
        int frames = embeddings.length;
        int dim = embeddings[0].length;
        float[] flat = new float[frames * dim];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(embeddings[t], 0, flat, t * dim, dim);
        }
        BlockMaxima maxima = new BlockMaxima(DecoderProfile.CHILD_BLOCKS.size());
        try (MlProgramExecutor exec = MlProgramExecutor.forModel(fp32Decoder, "decoder profile",
                ExecutorBackend.JAVA)) {
            exec.addObserver(maxima);
            exec.trackNonFinite(false);   // the maxima find any NaN or infinity themselves
            Map<String, NdArray> in = new TreeMap<>();
            in.put(INPUT, NdArray.f32(new int[] {1, frames, dim}, flat));
            exec.predict(in);
        }
        return maxima.profile();
    }

    /** Per block: the max |value| over all its op outputs, and of the last op seen (the block's output). */
    private static final class BlockMaxima implements OpObserver {
        private final double[] subtree;
        private final double[] boundary;
        private final boolean[] seen;
        /** The last values measured and their maximum: a reshape hands on the same array. */
        private float[] lastValues;
        private float lastMax;

        BlockMaxima(int blocks) {
            subtree = new double[blocks];
            boundary = new double[blocks];
            seen = new boolean[blocks];
        }

        @Override
        public void onOutput(String opName, String opType, NdArray output) {
            int block = DecoderProfile.blockOfOp(opName);
            if (block < 0 || !output.isFloat()) {
                return;
            }
            float[] values = output.floats();
            if (values != lastValues) {
                lastMax = maxAbs(values);
                lastValues = values;
            }
            double max = lastMax;
            subtree[block] = Double.isNaN(max) ? max : Math.max(subtree[block], max);
            boundary[block] = max;   // ops arrive in program order: the block's last op is its output
            seen[block] = true;
        }

        /** Values per task of {@link #maxAbs}. */
        private static final int CHUNK = 1 << 18;

        /**
         * max |v|, NaN when any value is NaN. The maximum is order-free, so chunks may run on all cores; one running
         * maximum per chunk is what C2 makes fastest here (1.2 values/ns against 0.7 for four interleaved ones).
         */
        private static float maxAbs(float[] v) {
            int chunks = (v.length + CHUNK - 1) / CHUNK;
            java.util.stream.IntStream ids = java.util.stream.IntStream.range(0, chunks);
            return (float) (chunks > 1 ? ids.parallel() : ids).mapToDouble(c -> maxAbs(v, c * CHUNK,
                    Math.min(v.length, (c + 1) * CHUNK))).reduce(0, Math::max);
        }

        private static float maxAbs(float[] v, int from, int to) {
            float m = 0f;
            for (int i = from; i < to; i++) {
                m = Math.max(m, Math.abs(v[i]));
            }
            return m;
        }

        DecoderProfile profile() {
            for (int i = 0; i < seen.length; i++) {
                if (!seen[i]) {
                    throw new IllegalArgumentException("decoder profile: no op of child block '"
                            + DecoderProfile.CHILD_BLOCKS.get(i) + "' in the graph");
                }
            }
            return new DecoderProfile(boundary, subtree);
        }
    }
}
