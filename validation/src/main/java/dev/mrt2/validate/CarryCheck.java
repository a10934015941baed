package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.validate.metrics.Metrics;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams the stateless carry temporal step (mrt2-model.md §6.2.2) through the reference's inputs with the host ring
 * protocol of the repository's MODELS.md: caches start at zero; at step s, {@code valid = min(s, 41)} and
 * {@code cache_valid_bias} opens rows 0..valid-1; after the prediction each {@code <cache>_updates} row goes to row
 * {@code valid} while the window fills, afterwards the rows shift down by one and it goes to row 40.
 */
final class CarryCheck {
    static final String CACHE_IN_SUFFIX = "_cache_in";
    static final String UPDATE_SUFFIX = "_cache_updates";

    /**
     * @param temporal        per-step and overall figures, as for the stateful step
     * @param cacheInputs     the package's {@code *_cache_in} inputs
     * @param updatesFinite   every update row of every step was finite
     * @param freshDiverged   §8.1 "fresh vs warmed": step 1 rerun with empty caches gives a different output, so the
     *                        graph does read the caches
     */
    record Result(TemporalCheck.Result temporal, int cacheInputs, boolean updatesFinite, boolean freshDiverged) {
        Map<String, Object> json() {
            Map<String, Object> m = new TreeMap<>(temporal.json());
            m.put("cache_input_count", cacheInputs);
            m.put("cache_update_output_count", cacheInputs);
            m.put("cache_updates_all_finite", updatesFinite);
            m.put("fresh_vs_warmed_diverged", freshDiverged);
            m.put("host_protocol", "ring: bias rows 1..valid = 0, update written at row valid until full, then shift "
                    + "rows 1..40 down and write row 40");
            return m;
        }
    }

    private final MlProgramExecutor exec;
    private final String artifact;
    private final int[] biasShape;
    private final List<String> caches = new ArrayList<>();
    private final int[] cacheShape;
    private final int rowSize;

    CarryCheck(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        this.biasShape = PackageIo.requireInput(exec, TemporalCheck.BIAS, artifact);
        exec.inputs().stream().map(f -> f.name()).filter(n -> n.endsWith(CACHE_IN_SUFFIX)).forEach(caches::add);
        if (caches.isEmpty()) {
            throw new BadInputException(artifact + ": no *" + CACHE_IN_SUFFIX + " inputs");
        }
        this.cacheShape = PackageIo.requireInput(exec, caches.get(0), artifact);
        if (cacheShape.length != 4 || cacheShape[1] != Mrt2Constants.WINDOW) {
            throw new BadInputException(artifact + ": " + caches.get(0) + " has shape "
                    + Arrays.toString(cacheShape) + ", expected [1, " + Mrt2Constants.WINDOW + ", H, h]");
        }
        this.rowSize = cacheShape[2] * cacheShape[3];
    }

    /** Empty caches, then one prediction per row of the stream, with the ring protocol between predictions. */
    Result run(ReferenceSet.TemporalStream stream) {
        int n = stream.inputs().length;
        float[][] ring = new float[caches.size()][Mrt2Constants.WINDOW * rowSize];
        float[][] outputs = new float[n][];
        List<TemporalCheck.Step> steps = new ArrayList<>();
        boolean finite = true;
        boolean freshDiverged = false;
        for (int s = 0; s < n; s++) {
            Map<String, NdArray> out = predict(s, stream.inputs()[s], stream.sources()[s], ring);
            outputs[s] = PackageIo.floats(out, TemporalCheck.OUTPUT, artifact).clone();
            steps.add(TemporalCheck.Step.of(s, Metrics.compare(vector(outputs[s]), vector(stream.outputs()[s]))));
            if (s == 1) {
                float[] fresh = PackageIo.floats(predict(0, stream.inputs()[1], stream.sources()[1],
                        new float[caches.size()][Mrt2Constants.WINDOW * rowSize]), TemporalCheck.OUTPUT, artifact);
                freshDiverged = !Arrays.equals(fresh, outputs[1]);
            }
            int valid = Math.min(s, Mrt2Constants.WINDOW);
            for (int i = 0; i < caches.size(); i++) {
                float[] row = PackageIo.floats(out, updateName(caches.get(i)), artifact);
                if (row.length != rowSize) {
                    throw new BadInputException(artifact + ": " + updateName(caches.get(i)) + " has "
                            + row.length + " values, a cache row has " + rowSize);
                }
                finite &= Metrics.finiteRatio(NdArray.f32(new int[] {row.length}, row)) == 1;
                file(ring[i], row, valid);
            }
        }
        TemporalCheck.Result temporal = new TemporalCheck.Result(
                TemporalCheck.compare(outputs, stream.outputs(), 0, n),
                TemporalCheck.compare(outputs, stream.outputs(), Mrt2Constants.WINDOW, n), steps);
        return new Result(temporal, caches.size(), finite, freshDiverged);
    }

    /** One prediction at 0-based step {@code step} with the given caches. */
    private Map<String, NdArray> predict(int step, float[] input, float[] source, float[][] ring) {
        Map<String, NdArray> in = new TreeMap<>();
        in.put(TemporalCheck.INPUT, NdArray.f32(new int[] {1, 1, input.length}, input));
        in.put(TemporalCheck.SOURCE, NdArray.f32(new int[] {1, 1, source.length}, source));
        in.put(TemporalCheck.BIAS, NdArray.f16(biasShape, bias(step, biasShape[biasShape.length - 1])));
        for (int i = 0; i < caches.size(); i++) {
            in.put(caches.get(i), NdArray.f16(cacheShape, ring[i]));
        }
        return exec.predict(in);
    }

    /** The §6.2.2 bias: sinks and current frame 0, cache row r 0 when {@code r < min(step, 41)}, else -1e4. */
    static float[] bias(int step, int slots) {
        int window = Mrt2Constants.WINDOW;
        int sinks = slots - window - 1;
        if (sinks < 0) {
            throw new BadInputException(TemporalCheck.BIAS + " has " + slots + " slots, fewer than the "
                    + (window + 1) + " cache rows + current frame");
        }
        float[] b = new float[slots];
        Arrays.fill(b, sinks + Math.min(step, window), sinks + window, Mrt2Constants.FP16_MASK);
        return b;
    }

    /** The host ring: row {@code valid} while the window fills, else shift rows 1..40 down and write row 40. */
    static void file(float[] cache, float[] row, int valid) {
        int width = row.length;
        int window = cache.length / width;
        if (valid < window) {
            System.arraycopy(row, 0, cache, valid * width, width);
        } else {
            System.arraycopy(cache, width, cache, 0, (window - 1) * width);
            System.arraycopy(row, 0, cache, (window - 1) * width, width);
        }
    }

    private static String updateName(String cacheInput) {
        return cacheInput.substring(0, cacheInput.length() - CACHE_IN_SUFFIX.length()) + UPDATE_SUFFIX;
    }

    private static NdArray vector(float[] v) {
        return NdArray.f32(new int[] {v.length}, v);
    }
}
