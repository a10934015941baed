package dev.mrt2.mil.exec;

import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Data movers folded into the op that reads them, so that a streaming step copies a KV cache once where the graph as
 * written copies it twice (the temporal body's attention, {@code concat} then {@code transpose}, and its cache shift,
 * {@code slice_by_index} then {@code concat}). Two rules, found once when the program is planned:
 * <ul>
 *   <li>a concat read by one transpose only: the transpose writes the concat's inputs straight to their places;</li>
 *   <li>a slice_by_index read by one concat only: the concat copies the slice straight out of the sliced value.</li>
 * </ul>
 * Only data moves, so every value is the same, bit for bit. A folded op does not run and nobody sees its output, so
 * the executor folds only while no {@link OpObserver} watches op outputs, and never on the scalar backend, the oracle
 * that runs every op as written.
 */
final class MoverFusion {
    private MoverFusion() {}

    /** A reader's kernel with its folded producers inside; {@code argsOf} gives a producer's arguments in this call. */
    interface Fused {
        NdArray run(OpArgs reader, Function<PlannedOp, OpArgs> argsOf);
    }

    /** Marks the foldable pairs in {@code plan} (release points already set); the number of ops folded. */
    static int apply(List<PlannedOp> plan, Collection<String> blockOutputs, ConstantTable constants) {
        Map<String, Integer> uses = new HashMap<>();
        for (PlannedOp op : plan) {
            op.inputNames.forEach(n -> uses.merge(n, 1, Integer::sum));
        }
        blockOutputs.forEach(n -> uses.merge(n, 1, Integer::sum));
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            for (Var out : plan.get(i).op.outputs()) {
                producers.put(out.name(), i);
            }
        }
        int folded = 0;
        for (int t = 0; t < plan.size(); t++) {
            PlannedOp transpose = plan.get(t);
            List<PlannedOp.Arg> x = transpose.params.get("x");
            if (!transpose.type().equals("transpose") || x == null || x.size() != 1) {
                continue;
            }
            Integer c = soleProducer(x.get(0), "concat", plan, producers, uses);
            if (c != null && plainConcat(plan.get(c), constants)) {
                PlannedOp concat = plan.get(c);
                fold(plan, c, t, List.of(concat));
                transpose.fused = (reader, argsOf) -> transposedConcat(reader, argsOf.apply(concat));
                folded++;
            }
        }
        for (int c = 0; c < plan.size(); c++) {
            PlannedOp concat = plan.get(c);
            if (!concat.type().equals("concat") || concat.foldedInto != null || !plainConcat(concat, constants)) {
                continue;
            }
            List<PlannedOp.Arg> values = concat.params.get("values");
            PlannedOp[] slices = new PlannedOp[values.size()];
            List<PlannedOp> producersOf = new ArrayList<>();
            int first = c;
            for (int i = 0; i < values.size(); i++) {
                Integer s = soleProducer(values.get(i), "slice_by_index", plan, producers, uses);
                if (s != null) {
                    slices[i] = plan.get(s);
                    producersOf.add(slices[i]);
                    first = Math.min(first, s);
                }
            }
            if (!producersOf.isEmpty()) {
                fold(plan, first, c, producersOf);
                concat.fused = (reader, argsOf) -> concatOfSlices(reader, slices, argsOf);
                folded += producersOf.size();
            }
        }
        return folded;
    }

    /**
     * The index of the op of {@code type} whose single output {@code arg} names, when that output is read there only
     * and the op is not already folded or folding; else null.
     */
    private static Integer soleProducer(PlannedOp.Arg arg, String type, List<PlannedOp> plan,
                                        Map<String, Integer> producers, Map<String, Integer> uses) {
        if (!arg.isName() || uses.getOrDefault(arg.name(), 0) != 1) {
            return null;
        }
        Integer p = producers.get(arg.name());
        if (p == null) {
            return null;
        }
        PlannedOp op = plan.get(p);
        boolean free = op.foldedInto == null && op.fused == null && op.siblings == null;
        return free && op.type().equals(type) && op.op.outputs().size() == 1 ? p : null;
    }

    /** A concat without interleaving (the parameter absent or a constant false) not reading folded movers already. */
    private static boolean plainConcat(PlannedOp concat, ConstantTable constants) {
        List<PlannedOp.Arg> interleave = concat.params.get("interleave");
        if (interleave != null) {
            PlannedOp.Arg a = interleave.get(0);
            NdArray flag = !a.isName() ? a.tensor() : constants.contains(a.name()) ? constants.tensor(a.name()) : null;
            if (flag == null || flag.isFloat() || flag.size() != 1 || flag.ints()[0] != 0) {
                return false;
            }
        }
        return concat.fused == null;
    }

    /**
     * Folds {@code producers} into {@code reader}: its inputs then include theirs, and every value released between
     * the first producer and the reader is released after the reader instead, so a producer's inputs are still there
     * when the reader runs in its place.
     */
    private static void fold(List<PlannedOp> plan, int first, int reader, List<PlannedOp> producers) {
        PlannedOp r = plan.get(reader);
        List<String> names = new ArrayList<>();
        boolean inlineFinite = r.inlineFinite;
        List<String> outputs = new ArrayList<>();
        for (PlannedOp p : producers) {
            p.foldedInto = r;
            names.addAll(p.inputNames);
            inlineFinite &= p.inlineFinite;
            p.op.outputs().forEach(v -> outputs.add(v.name()));
        }
        for (String n : r.inputNames) {
            if (!outputs.contains(n)) {
                names.add(n);
            }
        }
        r.fusedInputNames = List.copyOf(names);
        r.fusedInlineFinite = inlineFinite;
        for (int i = first; i < reader; i++) {
            List<String> released = plan.get(i).releaseAfter;
            r.releaseAfter.addAll(released);
            released.clear();
        }
    }

    /** transpose(concat(values, axis), perm): each input scattered straight to its transposed place. */
    static NdArray transposedConcat(OpArgs transpose, OpArgs concat) {
        List<NdArray> values = concat.tensors("values");
        NdArray first = values.get(0);
        int rank = first.rank();
        int axis = concat.axis(concat.intValue("axis"), rank);
        List<Piece> pieces = new ArrayList<>(values.size());
        values.forEach(v -> pieces.add(new Piece(v, null, v.shape())));
        int[] shape = concatShape(concat, pieces, axis);
        int[] perm = transpose.intList("perm");
        if (perm.length != rank) {
            throw transpose.fail("perm " + Arrays.toString(perm) + " for " + Arrays.toString(shape));
        }
        int[] outShape = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = transpose.axis(perm[i], rank);
            outShape[i] = shape[perm[i]];
        }
        int[] outStrides = Shapes.strides(outShape);
        int[] along = new int[rank];                  // where a step along concat axis d lands in the output
        for (int i = 0; i < rank; i++) {
            along[perm[i]] = outStrides[i];
        }
        int size = Shapes.size(outShape);
        float[] fo = first.isFloat() ? new float[size] : null;
        int[] io = first.isFloat() ? null : new int[size];
        int start = 0;
        for (NdArray v : values) {
            if (fo != null) {
                Strided.scatter(v.floats(), fo, start * along[axis], along, v.shape());
            } else {
                Strided.scatter(v.ints(), io, start * along[axis], along, v.shape());
            }
            start += v.dim(axis);
        }
        return fo != null ? Strided.withFloats(ShapeOps.uniformKind(values), outShape, fo)
                : Strided.withInts(first, outShape, io);
    }

    /** concat(values, axis) where the inputs in {@code slices} are read straight from what each slice views. */
    static NdArray concatOfSlices(OpArgs concat, PlannedOp[] slices, Function<PlannedOp, OpArgs> argsOf) {
        int n = slices.length;
        List<Piece> pieces = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (slices[i] == null) {
                NdArray v = concat.tensorAt("values", i);
                pieces.add(new Piece(v, null, v.shape()));
            } else {
                OpArgs s = argsOf.apply(slices[i]);
                NdArray x = s.tensor("x");
                IndexingOps.View view = IndexingOps.sliceView(s, x);
                pieces.add(new Piece(x, view, view.keptShape()));
            }
        }
        Piece first = pieces.get(0);
        int rank = first.shape().length;
        int axis = concat.axis(concat.intValue("axis"), rank);
        int[] outShape = concatShape(concat, pieces, axis);
        List<NdArray> kinds = new ArrayList<>(n);    // a slice has the kind of what it views
        pieces.forEach(p -> kinds.add(p.source()));
        if (first.source().isFloat() && Shapes.product(outShape, 0, axis) == 1) {
            // one block per input, one after the other: each slice gathered straight into its block
            float[] out = new float[Shapes.size(outShape)];
            int pos = 0;
            for (Piece p : pieces) {
                int count = Shapes.size(p.shape());
                if (p.view() == null) {
                    System.arraycopy(p.source().floats(), 0, out, pos, count);
                } else {
                    Strided.gather(p.source().floats(), p.view().offset(), p.view().strides(), p.view().shape(), out,
                            pos);
                }
                pos += count;
            }
            return Strided.withFloats(ShapeOps.uniformKind(kinds), outShape, out);
        }
        List<NdArray> values = new ArrayList<>(n);   // otherwise the slices are taken first, as the graph says
        for (Piece p : pieces) {
            values.add(p.view() == null ? p.source() : Strided.gather(p.source(), p.view().offset(),
                    p.view().strides(), p.view().shape()).reshape(p.shape()));
        }
        return ShapeOps.concat(values, axis, outShape);
    }

    /** One input of a concat: a value, or the slice {@code view} of {@code source}, of {@code shape} either way. */
    private record Piece(NdArray source, IndexingOps.View view, int[] shape) {}

    /** The concat's output shape, with concat's own checks: same rank and kind, equal sizes off the axis. */
    private static int[] concatShape(OpArgs concat, List<Piece> pieces, int axis) {
        Piece first = pieces.get(0);
        int[] shape = first.shape();
        int total = 0;
        for (Piece p : pieces) {
            int[] s = p.shape();
            boolean ok = s.length == shape.length && p.source().isFloat() == first.source().isFloat();
            for (int i = 0; ok && i < s.length; i++) {
                ok = i == axis || s[i] == shape[i];
            }
            if (!ok) {
                throw concat.fail("value " + Arrays.toString(s) + " does not match " + Arrays.toString(shape)
                        + " off axis " + axis);
            }
            total += s[axis];
        }
        int[] out = shape.clone();
        out[axis] = total;
        return out;
    }
}
