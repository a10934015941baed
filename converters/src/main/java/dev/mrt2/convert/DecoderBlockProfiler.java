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
            double max = maxAbs(output.floats());
            subtree[block] = Double.isNaN(max) ? max : Math.max(subtree[block], max);
            boundary[block] = max;   // ops arrive in program order: the block's last op is its output
            seen[block] = true;
        }

        /** max |v|, NaN when any value is NaN; max is order-free, so four running maxima give the same value. */
        private static float maxAbs(float[] v) {
            float a = 0f, b = 0f, c = 0f, d = 0f;
            int i = 0;
            for (; i + 4 <= v.length; i += 4) {
                a = Math.max(a, Math.abs(v[i]));
                b = Math.max(b, Math.abs(v[i + 1]));
                c = Math.max(c, Math.abs(v[i + 2]));
                d = Math.max(d, Math.abs(v[i + 3]));
            }
            for (; i < v.length; i++) {
                a = Math.max(a, Math.abs(v[i]));
            }
            return Math.max(Math.max(a, b), Math.max(c, d));
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
