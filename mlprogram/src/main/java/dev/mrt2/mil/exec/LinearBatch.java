package dev.mrt2.mil.exec;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Opset;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The products of one linear layer with a constant weight for every call of a batch
 * ({@link MlProgramExecutor#predictAll}) at once: the calls' rows of x stacked into one left operand, so the weight
 * (or its {@link SiblingLinears} group's) is read from memory once for the whole batch instead of once per call. The
 * panels are those of one call, and {@link PanelGemm} and {@link HalfPanels} sum every row alone in the same order
 * whatever the rows around it, so each call gets the bits it would get alone. Each call's op then takes its product
 * ({@link OpArgs#batchedProduct}) and adds its bias as usual.
 */
final class LinearBatch {
    private LinearBatch() {}

    /**
     * Computes {@code op}'s product for every call of {@code batch} when the op is a linear layer the batch can share;
     * otherwise leaves each call to compute its own (which also reports any problem with the op's inputs).
     */
    static void precompute(PlannedOp op, List<MlProgramExecutor.CallValues> batch, boolean fold, KernelContext context,
                           Opset opset) {
        if (!op.type().equals("linear") || (fold && op.fused != null) || batch.get(0).hasProduct(op.name())) {
            return;   // not a linear, x computed inside a folded kernel, or its sibling group already did it
        }
        OpArgs first = new OpArgs(op, batch.get(0), context, opset);
        ConstValue weight = first.constantValue("weight");
        if (weight == null || weight.type().rank() != 2 || !floating(weight.type().dataType())) {
            return;
        }
        int k = Math.toIntExact(weight.type().dim(1));
        float[] rows = stackedRows(op, batch, context, opset, k);
        if (rows == null) {
            return;
        }
        int calls = batch.size();
        int m = rows.length / k / calls;
        if (op.siblings != null) {
            float[][] products = op.siblings.products(first, rows, calls * m, m);
            List<String> ops = op.siblings.ops();
            for (int i = 0; i < products.length; i++) {
                hand(products[i], ops.get(i), batch, m);
            }
        } else {
            hand(LinearAlgebraOps.product(first, rows, calls * m, m), op.name(), batch, m);
        }
    }

    private static boolean floating(DataType t) {
        return t == DataType.FLOAT16 || t == DataType.FLOAT32;
    }

    /**
     * Every call's x, one after the other; null when one is not a live float tensor of whole rows of {@code k} or the
     * calls' row counts differ.
     */
    private static float[] stackedRows(PlannedOp op, List<MlProgramExecutor.CallValues> batch, KernelContext context,
                                       Opset opset, int k) {
        List<float[]> xs = new ArrayList<>();
        int size = -1;
        for (MlProgramExecutor.CallValues values : batch) {
            OpArgs a = new OpArgs(op, values, context, opset);
            NdArray x;
            try {
                x = a.has("x") && !a.isConstant("x") ? a.optTensor("x") : null;
            } catch (ExecutorException e) {
                return null;   // the op's own call reports it
            }
            if (x == null || !x.isFloat() || k == 0 || x.size() % k != 0 || (size >= 0 && x.size() != size)) {
                return null;
            }
            size = x.size();
            xs.add(x.floats());
        }
        float[] rows = new float[size * batch.size()];
        for (int c = 0; c < xs.size(); c++) {
            System.arraycopy(xs.get(c), 0, rows, c * size, size);
        }
        return rows;
    }

    /** Gives call c rows {@code [c·m, (c + 1)·m)} of {@code product} as op {@code opName}'s own. */
    private static void hand(float[] product, String opName, List<MlProgramExecutor.CallValues> batch, int m) {
        int n = product.length / (m * batch.size());
        for (int c = 0; c < batch.size(); c++) {
            float[] mine = new float[m * n];
            System.arraycopy(product, c * m * n, mine, 0, m * n);
            batch.get(c).putProduct(opName, mine);
        }
    }
}
