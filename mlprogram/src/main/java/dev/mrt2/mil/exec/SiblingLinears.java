package dev.mrt2.mil.exec;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.tensor.NdArray;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Linear layers that read the same {@code x} through constant weights of one input width and one type, such as a
 * transformer's query, key and value projections: the first of them to run multiplies x by all their weights at once,
 * as one weight of all their output columns, and each takes its own columns when its turn comes. Every output is the
 * same sum in the same order as alone, so nothing changes but speed: in a streaming step each thread then reads rows
 * of B several times longer, which this machine's memory serves markedly faster (see {@link Panels#MAX_STREAM_WIDTH}).
 */
final class SiblingLinears {
    private final List<String> weights;
    /** The member ops' names, in member order. */
    private final List<String> ops;
    private final int[] outWidths;
    private final int k;
    /** The call whose results are held, and the members' outputs not yet taken. */
    private Object call;
    private float[][] results;

    private SiblingLinears(List<String> weights, List<String> ops, int[] outWidths, int k) {
        this.weights = weights;
        this.ops = ops;
        this.outWidths = outWidths;
        this.k = k;
    }

    /** Finds the groups in {@code plan} and tells each member op its group and place. */
    static void group(List<PlannedOp> plan, ConstantTable constants) {
        Map<String, List<PlannedOp>> byInput = new LinkedHashMap<>();
        for (PlannedOp op : plan) {
            String x = nameOf(op, "x");
            String w = nameOf(op, "weight");
            if (!op.type().equals("linear") || x == null || w == null || constants.contains(x)) {
                continue;
            }
            ConstValue weight = constants.value(w);
            if (weight == null || weight.type().rank() != 2 || !floating(weight.type())) {
                continue;
            }
            List<PlannedOp> members = byInput.computeIfAbsent(x, s -> new ArrayList<>());
            if (!members.isEmpty()) {
                TensorType first = constants.value(nameOf(members.get(0), "weight")).type();
                if (first.dim(1) != weight.type().dim(1) || first.dataType() != weight.type().dataType()) {
                    continue;   // another width or type: it runs alone
                }
            }
            members.add(op);
        }
        for (List<PlannedOp> members : byInput.values()) {
            if (members.size() < 2) {
                continue;
            }
            List<String> names = new ArrayList<>();
            List<String> ops = new ArrayList<>();
            int[] widths = new int[members.size()];
            for (int i = 0; i < widths.length; i++) {
                names.add(nameOf(members.get(i), "weight"));
                ops.add(members.get(i).name());
                widths[i] = Math.toIntExact(constants.value(names.get(i)).type().dim(0));
            }
            SiblingLinears group = new SiblingLinears(List.copyOf(names), List.copyOf(ops), widths,
                    Math.toIntExact(constants.value(names.get(0)).type().dim(1)));
            for (int i = 0; i < widths.length; i++) {
                members.get(i).siblings = group;
                members.get(i).siblingIndex = i;
            }
        }
    }

    private static boolean floating(TensorType t) {
        return t.dataType() == DataType.FLOAT16 || t.dataType() == DataType.FLOAT32;
    }

    private static String nameOf(PlannedOp op, String param) {
        List<PlannedOp.Arg> args = op.params.get(param);
        return args != null && args.size() == 1 && args.get(0).isName() ? args.get(0).name() : null;
    }

    /**
     * {@code x · weightᵀ} of member {@code index} ({@code [m, N_index]} row-major) for this call; the first member to
     * ask computes every member's.
     */
    float[] product(OpArgs a, int index, float[] x, int m) {
        if (call != a.call() || results == null || results[index] == null) {
            compute(a, x, m);
        }
        float[] mine = results[index];
        results[index] = null;
        return mine;
    }

    private void compute(OpArgs a, float[] x, int m) {
        results = products(a, x, m, m);
        call = a.call();
    }

    /** The member ops' names, in member order ({@link #products} gives their products in this order). */
    List<String> ops() {
        return ops;
    }

    /**
     * Every member's {@code x · weightᵀ} ({@code [rows, N_i]} row-major) for {@code rows} rows of x, the stacked
     * weight laid out in panels as wide as suits {@code rowsPerCall} rows (a batch of calls shares one call's panels).
     */
    float[][] products(OpArgs a, float[] x, int rows, int rowsPerCall) {
        int n = 0;
        for (int w : outWidths) {
            n += w;
        }
        int width = Panels.widthFor(n, (long) rowsPerCall);
        PackedWeight packed = a.context().prepared(weights.get(0), "sibling panels " + width, () -> panels(a, width));
        float[] all = new float[rows * n];
        packed.multiply(x, 0, rows, all, 0);
        float[][] out = new float[outWidths.length][];
        int from = 0;
        for (int i = 0; i < outWidths.length; i++) {
            float[] r = new float[rows * outWidths[i]];
            for (int row = 0; row < rows; row++) {
                System.arraycopy(all, row * n + from, r, row * outWidths[i], outWidths[i]);
            }
            out[i] = r;
            from += outWidths[i];
        }
        return out;
    }

    /**
     * Panels of all members' weights stacked along the output columns: their {@code [N_i, K]} payloads one after the
     * other are the stacked {@code [ΣN_i, K]} weight, copied in bulk and laid out once.
     */
    private PackedWeight panels(OpArgs a, int width) {
        int n = 0;
        for (int w : outWidths) {
            n += w;
        }
        List<ConstValue> members = new ArrayList<>();
        weights.forEach(w -> members.add(a.constant(w)));
        return weightPanels(members, n, k, width, a.context().halfWeights());
    }

    /**
     * The transposes of constant weights {@code [N_i, K]} stacked along N, straight from their payloads: binary16
     * weights stay binary16 ({@link HalfPanels}) when {@code keepHalf} and they fit that layout.
     */
    static PackedWeight weightPanels(List<ConstValue> members, int n, int k, int width, boolean keepHalf) {
        if (members.get(0).type().dataType() == DataType.FLOAT16) {
            short[] bits = new short[Math.multiplyExact(n, k)];
            int at = 0;
            for (ConstValue m : members) {
                int count = Math.toIntExact(m.type().elementCount());
                payload(m).asShortBuffer().get(bits, at, count);
                at += count;
            }
            HalfPanels half = keepHalf ? HalfPanels.fromTransposed(bits, n, k, width) : null;
            return half != null ? half : Panels.fromTransposedHalf(bits, n, k, width);
        }
        float[] values = new float[Math.multiplyExact(n, k)];
        int at = 0;
        for (ConstValue m : members) {
            int count = Math.toIntExact(m.type().elementCount());
            payload(m).asFloatBuffer().get(values, at, count);
            at += count;
        }
        return Panels.fromTransposed(values, 0, n, k, width);
    }

    /** A weight's little-endian payload, checked to hold every element. */
    private static java.nio.ByteBuffer payload(ConstValue weight) {
        long need = weight.type().elementCount() * weight.type().dataType().byteSize();
        java.nio.ByteBuffer data = weight.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (data.remaining() < need) {
            throw new ExecutorException("constant of type " + weight.type() + " holds " + data.remaining()
                    + " bytes, needs " + need);
        }
        return data;
    }
}
