package dev.mrt2.validate;

import dev.mrt2.mil.exec.MlProgramExecutor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Teacher-forced runs of the folder's temporal packages that depth checks compose with. A temporal package computes
 * them right after its own checks, while it is loaded ({@link #keep}), so a depth check finds them here instead of
 * loading the package again: a full-size temporal package's load and first step (its weight panels) cost about a
 * second, and the depth checks composed three of them. A run nobody kept is computed on demand, as before.
 */
final class TemporalRuns {
    /**
     * One teacher-forced run: the inputs and sources of every step, from fresh state. Equal when they are the same
     * arrays (a record compares array components by identity), which is how checks share a reference case.
     */
    record Sequence(float[][] inputs, float[][] sources) {}

    private final Map<String, Map<Sequence, float[][]>> kept = new HashMap<>();

    /** Runs {@code wanted} on temporal package {@code t}'s loaded executor and keeps the outputs for later checks. */
    void keep(PackageInfo t, MlProgramExecutor exec, List<Sequence> wanted) {
        Map<Sequence, float[][]> outputs = kept.computeIfAbsent(t.artifact(), a -> new HashMap<>());
        List<Sequence> missing = wanted.stream().distinct().filter(s -> !outputs.containsKey(s)).toList();
        float[][][] inputs = new float[missing.size()][][];
        float[][][] sources = new float[missing.size()][][];
        for (int q = 0; q < missing.size(); q++) {
            inputs[q] = missing.get(q).inputs();
            sources[q] = missing.get(q).sources();
        }
        float[][][] runs = TemporalStepper.of(exec, t).runAll(inputs, sources);
        for (int q = 0; q < missing.size(); q++) {
            outputs.put(missing.get(q), runs[q]);
        }
    }

    /** The outputs of {@code t} for {@code s}: kept ones, else computed now on a fresh load of the package. */
    float[][] outputs(PackageInfo t, Sequence s) {
        float[][] out = kept.getOrDefault(t.artifact(), Map.of()).get(s);
        if (out != null) {
            return out;
        }
        try (MlProgramExecutor exec = MlProgramExecutor.load(t.path())) {
            return TemporalStepper.of(exec, t).run(s.inputs(), s.sources());
        }
    }
}
