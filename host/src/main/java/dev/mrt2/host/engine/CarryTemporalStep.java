package dev.mrt2.host.engine;

import dev.mrt2.convert.TemporalCarryConverter;
import dev.mrt2.convert.TemporalConverter;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The carry temporal package with the host ring of MODELS.md section 10.1 (mrt2-model.md §6.2.2): 48 caches start at
 * zero; at step s, {@code valid = min(s, 41)} and {@code cache_valid_bias} opens the sinks, cache rows
 * {@code 0 .. valid - 1} and the current frame (the rest -1e4); after the prediction each {@code <cache>_updates} row
 * is written into row {@code valid} while the window fills, afterwards rows 1..40 shift down and it goes to row 40.
 * The caches have the package's declared precision (fp16 for the shipped step, fp32 for the reference chain).
 */
final class CarryTemporalStep {
    private final MlProgramExecutor exec;
    private final String artifact;
    private final FeatureDescription input;
    private final FeatureDescription source;
    private final FeatureDescription bias;
    private final List<FeatureDescription> caches = new ArrayList<>();
    private final List<String> updates = new ArrayList<>();
    private final float[][] ring;
    private final int rowSize;
    private float[] lastBias;
    private int step;

    CarryTemporalStep(MlProgramExecutor exec, String artifact) {
        this.exec = exec;
        this.artifact = artifact;
        this.input = PackageInputs.input(exec, TemporalConverter.INPUT, artifact);
        this.source = PackageInputs.input(exec, TemporalConverter.SOURCE, artifact);
        this.bias = PackageInputs.input(exec, TemporalConverter.BIAS, artifact);
        String suffix = "_cache" + TemporalCarryConverter.CACHE_IN_SUFFIX;
        for (FeatureDescription f : exec.inputs()) {
            if (f.name().endsWith(suffix)) {
                caches.add(f);
                String stem = f.name().substring(0, f.name().length() - TemporalCarryConverter.CACHE_IN_SUFFIX.length());
                updates.add(stem + TemporalCarryConverter.UPDATE_SUFFIX);
            }
        }
        if (caches.isEmpty()) {
            throw new BadInputException(artifact + ": no *" + suffix + " inputs; not a carry temporal step");
        }
        int[] shape = caches.get(0).type().intDims();
        if (shape.length != 4 || shape[1] != Mrt2Constants.WINDOW) {
            throw new BadInputException(artifact + ": " + caches.get(0).name() + " has shape " + Arrays.toString(shape)
                    + ", expected [1, " + Mrt2Constants.WINDOW + ", H, h]");
        }
        this.rowSize = shape[2] * shape[3];
        this.ring = new float[caches.size()][Mrt2Constants.WINDOW * rowSize];
    }

    int modelDim() {
        return input.type().intDims()[2];
    }

    int sourceDim() {
        return source.type().intDims()[2];
    }

    float[] lastBias() {
        return lastBias;
    }

    /** One prediction at the current step, then the ring update. */
    float[] step(float[] x, float[] src) {
        Map<String, NdArray> in = new HashMap<>();
        in.put(input.name(), PackageInputs.floats(input, x));
        in.put(source.name(), PackageInputs.floats(source, src));
        int slots = bias.type().intDims()[3];
        lastBias = TemporalCarryConverter.validBias(slots - Mrt2Constants.WINDOW - 1, step);
        in.put(bias.name(), PackageInputs.floats(bias, lastBias));
        for (int i = 0; i < caches.size(); i++) {
            in.put(caches.get(i).name(), PackageInputs.exactFloats(caches.get(i), ring[i]));
        }
        Map<String, NdArray> out = exec.predict(in);
        int valid = Math.min(step, Mrt2Constants.WINDOW);
        for (int i = 0; i < caches.size(); i++) {
            float[] row = PackageInputs.output(out, updates.get(i), artifact);
            if (row.length != rowSize) {
                throw new BadInputException(artifact + ": " + updates.get(i) + " has " + row.length
                        + " values, a cache row has " + rowSize);
            }
            CarryRing.file(ring[i], row, valid);
        }
        step++;
        return PackageInputs.output(out, TemporalConverter.OUTPUT, artifact).clone();
    }
}
