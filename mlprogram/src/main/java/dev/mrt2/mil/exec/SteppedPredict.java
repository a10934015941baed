package dev.mrt2.mil.exec;

import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Feeds arrays from an .npz to an executor, once or over {@code n} steps of a stateful model ({@code mrt2 predict}).
 *
 * <p>With steps, each input's member is cut per step by the first rule that fits, S being the input's shape:
 * {@code [n, *S]} gives step s its row s; {@code [n·S0, S1, …]} gives it rows {@code [s·S0, (s+1)·S0)}; exactly
 * {@code S} is fed unchanged to every step. Outputs are stacked along a new first axis: {@code [n, *output shape]}.
 *
 * <p>A float member whose precision differs from the input's (float32 for an fp16 input or the reverse) is converted,
 * fp16 by round to nearest even, and a note says so.
 */
public final class SteppedPredict {
    /** Most steps per batch of a program without states ({@link MlProgramExecutor#predictAll}). */
    private static final int BATCH = 32;

    private SteppedPredict() {}

    /** One call; {@code source} (the .npz) names the member in errors about the inputs. */
    public static Map<String, NdArray> once(MlProgramExecutor exec, Map<String, NdArray> arrays, String source,
                                            Consumer<String> notes) {
        Map<String, NdArray> adapted = adapt(exec, arrays, notes);
        requireMembers(exec, adapted, source);
        for (FeatureDescription f : exec.inputs()) {
            NdArray v = adapted.get(f.name());
            if (!Arrays.equals(v.shape(), f.type().intDims())) {
                throw new ExecutorException(member(source, f.name()) + " is " + Arrays.toString(v.shape())
                        + ", the package's input is " + f.type());
            }
        }
        return exec.predict(adapted);
    }

    public static Map<String, NdArray> steps(MlProgramExecutor exec, Map<String, NdArray> arrays, int n, String source,
                                             Consumer<String> notes) {
        if (n < 1) {
            throw new ExecutorException("--steps must be at least 1, got " + n);
        }
        Map<String, NdArray> adapted = adapt(exec, arrays, notes);
        requireMembers(exec, adapted, source);
        Map<String, List<NdArray>> perOutput = new LinkedHashMap<>();
        // steps of a program without states are independent calls: batches read each weight once for all of them,
        // as many as keep the batch's activations within an eighth of the heap
        int batch = exec.callsPerBatch(BATCH, Runtime.getRuntime().maxMemory() / 8);
        for (int s0 = 0; s0 < n; s0 += batch) {
            List<Map<String, NdArray>> steps = new ArrayList<>();
            for (int s = s0; s < Math.min(n, s0 + batch); s++) {
                Map<String, NdArray> step = new LinkedHashMap<>();
                for (FeatureDescription f : exec.inputs()) {
                    step.put(f.name(), slice(f, adapted.get(f.name()), n, s, source));
                }
                steps.add(step);
            }
            for (Map<String, NdArray> outputs : batch == 1 ? List.of(exec.predict(steps.get(0)))
                    : exec.predictAll(steps)) {
                for (Map.Entry<String, NdArray> out : outputs.entrySet()) {
                    perOutput.computeIfAbsent(out.getKey(), k -> new ArrayList<>()).add(out.getValue());
                }
            }
        }
        Map<String, NdArray> stacked = new LinkedHashMap<>();
        perOutput.forEach((name, values) -> stacked.put(name, stack(values)));
        return stacked;
    }

    /**
     * Every input has a member, every member is an input, and integers go to integer inputs and floats to float ones;
     * failures name the .npz and the member (the executor's own checks name only the package).
     */
    private static void requireMembers(MlProgramExecutor exec, Map<String, NdArray> members, String source) {
        List<String> names = new ArrayList<>();
        for (FeatureDescription f : exec.inputs()) {
            names.add(f.name());
            NdArray v = members.get(f.name());
            if (v == null) {
                throw new ExecutorException(source + ": no member '" + f.name() + ".npy' for the package's input '"
                        + f.name() + "' (" + f.type() + ")");
            }
            boolean wantFloat = MlProgramExecutor.kindOf(f.type().dataType()) != NdArray.Kind.I32;
            if (v.isFloat() != wantFloat) {
                throw new ExecutorException(member(source, f.name()) + " holds " + (v.isFloat() ? "floats" : "integers")
                        + ", the package's input is " + f.type());
            }
        }
        for (String name : members.keySet()) {
            if (!names.contains(name)) {
                throw new ExecutorException(member(source, name) + " is not an input of the package (its inputs: "
                        + String.join(", ", names) + ")");
            }
        }
    }

    private static String member(String source, String name) {
        return source + ": member '" + name + ".npy'";
    }

    /** Float precision follows the description. */
    private static Map<String, NdArray> adapt(MlProgramExecutor exec, Map<String, NdArray> arrays, Consumer<String> notes) {
        Map<String, NdArray> out = new LinkedHashMap<>(arrays);
        for (FeatureDescription f : exec.inputs()) {
            NdArray v = arrays.get(f.name());
            if (v == null) {
                continue;
            }
            NdArray.Kind want = MlProgramExecutor.kindOf(f.type().dataType());
            if (want == NdArray.Kind.F16 && v.kind() == NdArray.Kind.F32) {
                out.put(f.name(), NdArray.f16(v.shape(), v.floats()));
                notes.accept("input '" + f.name() + "': float32 values rounded to fp16 as the model declares");
            } else if (want == NdArray.Kind.F32 && v.kind() == NdArray.Kind.F16) {
                out.put(f.name(), NdArray.f32(v.shape(), v.floats()));
                notes.accept("input '" + f.name() + "': fp16 values widened to float32 as the model declares");
            }
        }
        return out;
    }

    static NdArray slice(FeatureDescription f, NdArray member, int n, int step, String source) {
        int[] want = f.type().intDims();
        int[] have = member.shape();
        int rows;
        int[] stepShape;
        if (have.length == want.length + 1 && have[0] == n && Arrays.equals(Arrays.copyOfRange(have, 1, have.length), want)) {
            rows = 1;
            stepShape = want;
        } else if (have.length == want.length && want.length > 0 && have[0] == n * want[0]
                && Arrays.equals(Arrays.copyOfRange(have, 1, have.length), Arrays.copyOfRange(want, 1, want.length))) {
            rows = want[0];
            stepShape = want;
        } else if (Arrays.equals(have, want)) {
            return member;
        } else {
            throw new ExecutorException(member(source, f.name()) + " is " + Arrays.toString(have) + ", which fits none "
                    + "of the --steps " + n + " layouts for the input " + f.type() + ": [" + n + ", *S], [" + n
                    + "*S0, ...] or S");
        }
        int rowSize = have.length == 0 ? 1 : member.size() / have[0];
        int from = step * rows * rowSize;
        int len = rows * rowSize;
        if (member.isFloat()) {
            float[] part = Arrays.copyOfRange(member.floats(), from, from + len);
            return Strided.withFloats(member, stepShape, part);
        }
        int[] part = Arrays.copyOfRange(member.ints(), from, from + len);
        return Strided.withInts(member, stepShape, part);
    }

    static NdArray stack(List<NdArray> values) {
        NdArray first = values.get(0);
        int[] shape = new int[first.rank() + 1];
        shape[0] = values.size();
        System.arraycopy(first.shape(), 0, shape, 1, first.rank());
        int each = first.size();
        if (first.isFloat()) {
            float[] all = new float[each * values.size()];
            for (int i = 0; i < values.size(); i++) System.arraycopy(values.get(i).floats(), 0, all, i * each, each);
            return Strided.withFloats(first, shape, all);
        }
        int[] all = new int[each * values.size()];
        for (int i = 0; i < values.size(); i++) System.arraycopy(values.get(i).ints(), 0, all, i * each, each);
        return Strided.withInts(first, shape, all);
    }
}
