package dev.mrt2.mil.exec;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Operation;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One non-const op ready to run: its kernel, its parameters with inline values already decoded, and the values whose
 * last use it is (released after it runs so a large graph does not hold every intermediate).
 */
final class PlannedOp {
    /** One binding: a reference to a named value, or a literal decoded from an inline {@code Binding.value}. */
    record Arg(String name, NdArray tensor, String string) {
        boolean isName() {
            return name != null;
        }
    }

    final Operation op;
    final Kernel kernel;
    /** Finite inputs give finite outputs ({@link OpTable#mover}, {@link OpTable#bounded}). */
    final boolean keepsFinite;
    final SortedMap<String, List<Arg>> params;
    /** Every value bound by name, in parameter order (what the outputs of an op that keeps values finite depend on). */
    final List<String> inputNames;
    /** Whether no inline tensor of the op holds a NaN or an infinity. */
    final boolean inlineFinite;
    final List<String> releaseAfter = new ArrayList<>();
    /** Each output's declared shape (tensors only; checked when planned), so a call does not rebuild it. */
    final int[][] outputDims;
    /** The op that computes this one's output inside its own kernel when movers are folded, or null ({@link MoverFusion}). */
    PlannedOp foldedInto;
    /** This op's kernel with the movers folded into it, or null. */
    MoverFusion.Fused fused;
    /** With {@link #fused}: the values its result depends on (a folded producer's inputs in place of its output). */
    List<String> fusedInputNames;
    /** With {@link #fused}: whether no inline tensor of this op or of a folded producer holds a NaN or an infinity. */
    boolean fusedInlineFinite;
    /** The group of linear layers sharing this one's input that computes its product, or null ({@link SiblingLinears}). */
    SiblingLinears siblings;
    int siblingIndex;

    PlannedOp(Operation op, OpDef def) {
        this.op = op;
        this.kernel = def.kernel();
        this.keepsFinite = def.keepsFinite();
        TreeMap<String, List<Arg>> p = new TreeMap<>();
        for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
            List<Arg> args = new ArrayList<>();
            for (Binding b : e.getValue()) {
                if (b.isName()) {
                    args.add(new Arg(b.name(), null, null));
                } else if (ConstantDecoder.isString(b.value())) {
                    args.add(new Arg(null, null, ConstantDecoder.string(b.value())));
                } else {
                    args.add(new Arg(null, ConstantDecoder.tensor(b.value()), null));
                }
            }
            p.put(e.getKey(), List.copyOf(args));
        }
        this.params = Collections.unmodifiableSortedMap(p);
        List<String> names = new ArrayList<>();
        boolean inlineOk = true;
        for (List<Arg> args : p.values()) {
            for (Arg a : args) {
                if (a.isName()) {
                    names.add(a.name());
                } else if (a.tensor() != null && a.tensor().isFloat()) {
                    inlineOk &= !MlProgramExecutor.hasNonFinite(a.tensor().floats());
                }
            }
        }
        this.inputNames = List.copyOf(names);
        this.inlineFinite = inlineOk;
        this.outputDims = new int[op.outputs().size()][];
        for (int i = 0; i < outputDims.length; i++) {
            if (op.outputs().get(i).type() instanceof dev.mrt2.mil.TensorType t) {
                outputDims[i] = t.intDims();
            }
        }
    }

    String name() {
        return op.name();
    }

    String type() {
        return op.type();
    }
}
