package dev.mrt2.validate;

import dev.mrt2.host.engine.CarryRing;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.validate.metrics.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stateless carry temporal step (mrt2-model.md §6.2.2) with the host ring protocol of the repository's
 * MODELS.md: caches start at zero; at step s, {@code valid = min(s, 41)} and {@code cache_valid_bias} opens rows
 * 0..valid-1; after the prediction each {@code <cache>_updates} row goes to row {@code valid} while the window
 * fills, afterwards the rows shift down by one and it goes to row 40. It also observes whether every update was
 * finite and, at step 1, §8.1 "fresh vs warmed": the same inputs with empty caches must give another output.
 */
final class CarryStepper implements TemporalStepper {
    static final String CACHE_IN_SUFFIX = "_cache_in";
    static final String UPDATE_SUFFIX = "_cache_updates";

    private final MlProgramExecutor exec;
    private final String artifact;
    private final int[] biasShape;
    private final List<String> caches = new ArrayList<>();
    private final int[] cacheShape;
    private final int rowSize;
    /** Caches and bias in the package's declared precision: fp16 for the shipped step, fp32 for the reference build. */
    private final boolean fp32;
    private float[][] ring;
    private boolean updatesFinite;
    private Boolean freshDiverged;

    CarryStepper(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        this.biasShape = PackageIo.requireInput(exec, StatefulStepper.BIAS, artifact);
        exec.inputs().stream().map(f -> f.name()).filter(n -> n.endsWith(CACHE_IN_SUFFIX)).forEach(caches::add);
        this.cacheShape = PackageIo.requireInput(exec, caches.get(0), artifact);
        if (cacheShape.length != 4 || cacheShape[1] != Mrt2Constants.WINDOW) {
            throw new BadInputException(artifact + ": " + caches.get(0) + " has shape " + Arrays.toString(cacheShape)
                    + ", expected [1, " + Mrt2Constants.WINDOW + ", H, h]");
        }
        this.rowSize = cacheShape[2] * cacheShape[3];
        this.fp32 = exec.inputs().stream().filter(f -> f.name().equals(caches.get(0))).findFirst().orElseThrow()
                .type().dataType() == DataType.FLOAT32;
        reset();
    }

    private NdArray declared(int[] shape, float[] values) {
        return fp32 ? NdArray.f32(shape, values) : NdArray.f16(shape, values);
    }

    @Override
    public void reset() {
        ring = new float[caches.size()][Mrt2Constants.WINDOW * rowSize];
        updatesFinite = true;
        freshDiverged = null;
    }

    @Override
    public float[] step(int step, float[] input, float[] source) {
        Map<String, NdArray> out = predict(step, input, source, ring);
        float[] output = PackageIo.floats(out, StatefulStepper.OUTPUT, artifact).clone();
        if (step == 1) {
            float[] fresh = PackageIo.floats(predict(0, input, source,
                    new float[caches.size()][Mrt2Constants.WINDOW * rowSize]), StatefulStepper.OUTPUT, artifact);
            freshDiverged = !Arrays.equals(fresh, output);
        }
        int valid = Math.min(step, Mrt2Constants.WINDOW);
        for (int i = 0; i < caches.size(); i++) {
            String update = updateName(caches.get(i));
            float[] row = PackageIo.floats(out, update, artifact);
            if (row.length != rowSize) {
                throw new BadInputException(artifact + ": " + update + " has " + row.length + " values, a cache row has "
                        + rowSize);
            }
            updatesFinite &= Metrics.finiteRatio(NdArray.f32(new int[] {row.length}, row)) == 1;
            file(ring[i], row, valid);
        }
        return output;
    }

    @Override
    public String protocol() {
        return "carry ring: caches start at zero; bias rows 1..valid = 0 (valid = min(step, 41)); each update is "
                + "written at row valid until the window is full, then rows 1..40 shift down and it goes to row 40";
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> m = new TreeMap<>();
        m.put("cache_input_count", caches.size());
        m.put("cache_update_output_count", caches.size());
        m.put("cache_updates_all_finite", updatesFinite);
        if (freshDiverged != null) {
            m.put("fresh_vs_warmed_diverged", freshDiverged);
        }
        return m;
    }

    boolean updatesFinite() {
        return updatesFinite;
    }

    private Map<String, NdArray> predict(int step, float[] input, float[] source, float[][] caches) {
        Map<String, NdArray> in = new TreeMap<>();
        in.put(StatefulStepper.INPUT, NdArray.f32(new int[] {1, 1, input.length}, input));
        in.put(StatefulStepper.SOURCE, NdArray.f32(new int[] {1, 1, source.length}, source));
        in.put(StatefulStepper.BIAS, declared(biasShape, bias(step, biasShape[biasShape.length - 1])));
        for (int i = 0; i < this.caches.size(); i++) {
            in.put(this.caches.get(i), declared(cacheShape, caches[i]));
        }
        return exec.predict(in);
    }

    /** The §6.2.2 bias: sinks and current frame 0, cache row r 0 when {@code r < min(step, 41)}, else -1e4. */
    static float[] bias(int step, int slots) {
        int window = Mrt2Constants.WINDOW;
        int sinks = slots - window - 1;
        if (sinks < 0) {
            throw new BadInputException(StatefulStepper.BIAS + " has " + slots + " slots, fewer than the "
                    + (window + 1) + " cache rows + current frame");
        }
        float[] b = new float[slots];
        Arrays.fill(b, sinks + Math.min(step, window), sinks + window, Mrt2Constants.FP16_MASK);
        return b;
    }

    /** The host ring (MODELS.md §10.1), shared with the render loop so both follow one rule. */
    static void file(float[] cache, float[] row, int valid) {
        CarryRing.file(cache, row, valid);
    }

    private static String updateName(String cacheInput) {
        return cacheInput.substring(0, cacheInput.length() - CACHE_IN_SUFFIX.length()) + UPDATE_SUFFIX;
    }
}
