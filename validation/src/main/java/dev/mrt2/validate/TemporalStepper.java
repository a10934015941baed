package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import java.util.Map;

/**
 * One temporal package driven step by step with its host protocol: the stateful step keeps its caches in states and
 * reads the validity bias ({@link StatefulStepper}); the carry step gets its caches as inputs from a host ring
 * ({@link CarryStepper}). The comparisons that stream a case through either do not know which one they drive.
 */
interface TemporalStepper {
    /** Empty caches: the next step is step 0 of a new stream. */
    void reset();

    /** One prediction at 0-based position {@code step} of the current stream; returns the temporal output. */
    float[] step(int step, float[] input, float[] source);

    /** The host protocol in one sentence, for receipts. */
    String protocol();

    /** Facts the protocol observed since the last {@link #reset()} (e.g. the carry's cache updates), for receipts. */
    Map<String, Object> facts();

    /** Every step of the inputs from fresh state. */
    default float[][] run(float[][] inputs, float[][] sources) {
        reset();
        float[][] out = new float[inputs.length][];
        for (int s = 0; s < inputs.length; s++) {
            out[s] = step(s, inputs[s], sources[s]);
        }
        return out;
    }

    /** {@link #run} of each sequence ({@code inputs[q]}, {@code sources[q]}), in order. */
    default float[][][] runAll(float[][][] inputs, float[][][] sources) {
        float[][][] out = new float[inputs.length][][];
        for (int q = 0; q < inputs.length; q++) {
            out[q] = run(inputs[q], sources[q]);
        }
        return out;
    }

    static TemporalStepper of(MlProgramExecutor exec, PackageInfo info) {
        return switch (info.kind()) {
            case TEMPORAL -> new StatefulStepper(exec, info.artifact());
            case TEMPORAL_CARRY -> new CarryStepper(exec, info.artifact());
            default -> throw new BadInputException(info.artifact() + ": not a temporal package");
        };
    }
}
