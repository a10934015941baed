package dev.mrt2.mil.exec;

import static dev.mrt2.mil.exec.TypeRules.fail;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;

/**
 * {@code matmul}, {@code linear} (coreml-mlpackage.md §6.6), {@code einsum} and iOS18's
 * {@code scaled_dot_product_attention}. The right operand is cut into {@link Panels} (made once for a constant) and
 * multiplied by {@link PanelGemm}; the plain loops of {@link Gemm#scalar} are the oracle (SCALAR backend).
 *Each op is defined once here ({@code define}: parameters, opset, kernel) with its output-type rule for
 * {@link dev.mrt2.mil.MilBuilder} at the end of the class.
 */
public final class LinearAlgebraOps {
    /** Below this many multiply-adds per batch an activation product runs the plain loop (the same sums). */
    private static final long SMALL_PRODUCT = 1 << 15;

    private LinearAlgebraOps() {}

    static void define(OpTable t) {
        t.op("matmul", Kernel.single(a -> matmul(a, a.tensor("x"), a.tensor("y"),
                a.boolValue("transpose_x", false), a.boolValue("transpose_y", false), a.isConstant("y"))),
                "x", "y", "transpose_x", "transpose_y");
        t.op("linear", Kernel.single(LinearAlgebraOps::linear), "x", "weight", "bias");
        t.op(Opset.IOS18, "scaled_dot_product_attention", Kernel.single(LinearAlgebraOps::attention), "query", "key",
                "value", "attn_mask");
        t.op("einsum", Kernel.single(LinearAlgebraOps::einsum), "values*", "equation");
    }

    /** {@code x · weightᵀ + bias}: x {@code [*D, D_in]}, weight {@code [D_out, D_in]}, bias {@code [D_out]} (default 0). */
    private static NdArray linear(OpArgs a) {
        NdArray x = floats(a, "x");
        NdArray bias = a.optTensor("bias");
        dev.mrt2.mil.ConstValue constant = a.constantValue("weight");
        int[] ws = constant != null ? constant.type().intDims() : floats(a, "weight").shape();
        if (ws.length != 2 || x.rank() < 1 || x.dim(-1) != ws[1]) {
            throw a.fail("x " + x + " last dim must equal weight " + java.util.Arrays.toString(ws) + " dim 1");
        }
        int n = ws[0];
        int k = ws[1];
        int m = k == 0 ? 0 : x.size() / k;
        float[] c = a.batchedProduct();
        if (c != null) {
            if (c.length != m * n) throw a.fail("batched product holds " + c.length + " values, not " + m * n);
        } else if (a.context().scalar()) {
            c = new float[m * n];
            Gemm.scalar(x.floats(), 0, floats(a, "weight").floats(), 0, c, 0, m, n, k);
        } else if (a.siblings() != null) {
            c = a.siblings().product(a, a.siblingIndex(), x.floats(), m);
        } else {
            c = product(a, x.floats(), m, m);
        }
        if (bias != null) {
            if (bias.size() != n) throw a.fail("bias " + bias + " != [" + n + "]");
            float[] b = bias.floats();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += b[j];
                }
            }
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        return NdArray.f32(shape, c);
    }

    /**
     * {@code x · weightᵀ} of a linear op with a constant weight {@code [n, k]} for {@code rows} rows of x, its panels
     * laid out as wide as suits {@code rowsPerCall} rows (a batch of calls reuses the panels of one call: the width
     * never changes a sum).
     */
    static float[] product(OpArgs a, float[] x, int rows, int rowsPerCall) {
        dev.mrt2.mil.ConstValue constant = a.constantValue("weight");
        int[] ws = constant != null ? constant.type().intDims() : floats(a, "weight").shape();
        int n = ws[0];
        float[] c = new float[rows * n];
        weightPanels(a, constant, n, ws[1], rowsPerCall).multiply(x, 0, rows, c, 0);
        return c;
    }

    /**
     * A linear weight {@code [n, k]} as panels of its transpose, as wide as suits {@code m} rows of x. A constant is
     * laid out once, straight from its payload (never decoded into a second copy), and kept for the executor's
     * lifetime.
     */
    private static PackedWeight weightPanels(OpArgs a, dev.mrt2.mil.ConstValue constant, int n, int k, int m) {
        int width = Panels.widthFor(n, (long) m);
        if (constant == null) {
            return Panels.fromTransposed(floats(a, "weight").floats(), 0, n, k, width);
        }
        dev.mrt2.mil.DataType type = constant.type().dataType();
        boolean payload = type == dev.mrt2.mil.DataType.FLOAT16 || type == dev.mrt2.mil.DataType.FLOAT32;
        return a.context().prepared(a.constantName("weight"), "panels " + width, () -> payload
                ? SiblingLinears.weightPanels(java.util.List.of(constant), n, k, width, a.context().halfWeights())
                : Panels.fromTransposed(floats(a, "weight").floats(), 0, n, k, width));
    }

    private static NdArray floats(OpArgs a, String param) {
        NdArray t = a.tensor(param);
        if (!t.isFloat()) throw a.fail("'" + param + "' must be fp16 or fp32, got " + t);
        return t;
    }

    /**
     * NumPy matmul: the last two axes multiply (after the optional transposes), the others broadcast; a rank-1
     * operand gains a unit axis that the result drops again.
     */
    static NdArray matmul(OpArgs a, NdArray x, NdArray y, boolean transposeX, boolean transposeY, boolean yConstant) {
        if (!x.isFloat() || !y.isFloat()) {
            return intMatmul(a, x, y, transposeX, transposeY);
        }
        boolean xVector = x.rank() == 1;
        boolean yVector = y.rank() == 1;
        int[] xs = xVector ? new int[] {1, x.dim(0)} : x.shape();
        int[] ys = yVector ? new int[] {y.dim(0), 1} : y.shape();
        boolean tx = transposeX && !xVector;
        boolean ty = transposeY && !yVector;
        int m = tx ? xs[xs.length - 1] : xs[xs.length - 2];
        int k = tx ? xs[xs.length - 2] : xs[xs.length - 1];
        int ky = ty ? ys[ys.length - 1] : ys[ys.length - 2];
        int n = ty ? ys[ys.length - 2] : ys[ys.length - 1];
        if (k != ky) {
            throw a.fail("inner dims differ: x " + x + " (k=" + k + ") vs y " + y + " (k=" + ky + ")");
        }
        int[] batch = Shapes.broadcast(Arrays.copyOf(xs, xs.length - 2), Arrays.copyOf(ys, ys.length - 2));
        if (batch == null) {
            throw a.fail("batch dims of x " + x + " and y " + y + " do not broadcast");
        }
        int batches = Shapes.size(batch);
        float[] left = operand(x.floats(), xs, batch, tx, m, k);
        float[] c = new float[batches * m * n];
        // tiny products of two activations (attention scores per head) cost more to lay out as panels than to sum
        boolean small = !yConstant && (long) m * n * k < SMALL_PRODUCT;
        if (small && !a.context().scalar() && !ty && !yVector && Arrays.equals(Arrays.copyOf(ys, ys.length - 2), batch)) {
            // y's rows [k, n] in place (attention's probabilities times values): no transposed copy of y
            for (int b = 0; b < batches; b++) {
                rowSums(left, b * m * k, y.floats(), b * k * n, c, b * m * n, m, n, k);
            }
        } else if (a.context().scalar() || small) {
            float[] right = operand(y.floats(), ys, batch, !ty, n, k);
            for (int b = 0; b < batches; b++) {
                Gemm.scalar(left, b * m * k, right, b * n * k, c, b * m * n, m, n, k);
            }
        } else {
            Panels[] right = yConstant
                    ? a.context().derived(y, "panels" + ty + Arrays.toString(batch), () -> panels(y, ys, batch, ty, k, n))
                    : panels(y, ys, batch, ty, k, n);
            for (int b = 0; b < batches; b++) {
                PanelGemm.multiply(left, b * m * k, m, right[b], c, b * m * n);
            }
        }
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = m;
        out[batch.length + 1] = n;
        if (xVector || yVector) {
            int[] dropped = new int[batch.length + (xVector ? 0 : 1) + (yVector ? 0 : 1)];
            System.arraycopy(batch, 0, dropped, 0, batch.length);
            int j = batch.length;
            if (!xVector) dropped[j++] = m;
            if (!yVector) dropped[j] = n;
            out = dropped;
        }
        return NdArray.f32(out, c);
    }

    /**
     * {@code C[m, n] = A[m, k] · B[k, n]} with B as stored rows: each output starts at 0 and adds its products in
     * ascending p, the sums of {@link Gemm#scalar} on B's transpose, bit for bit (Java never fuses a multiply and an
     * add), with the inner loop along B's rows.
     */
    static void rowSums(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * n;
            for (int p = 0; p < k; p++) {
                float x = a[aOff + i * k + p];
                int from = bOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[row + j] += x * b[from + j];
                }
            }
        }
    }

    /** The right operand of every batch as panels of {@code [k, n]}. */
    private static Panels[] panels(NdArray y, int[] ys, int[] batch, boolean ty, int k, int n) {
        float[] rows = operand(y.floats(), ys, batch, ty, k, n);
        Panels[] out = new Panels[Shapes.size(batch)];
        for (int b = 0; b < out.length; b++) {
            out[b] = Panels.fromRows(rows, b * k * n, k, n);
        }
        return out;
    }

    /**
     * A contiguous {@code [*batch, rows, k]} copy of a matrix stored as {@code [*own batch, r0, r1]}: rows run along
     * the stored axis -2 unless {@code swap}, in which case they run along axis -1. No copy when already in place.
     */
    private static float[] operand(float[] data, int[] shape, int[] batch, boolean swap, int rows, int k) {
        int rank = shape.length;
        int[] strides = Shapes.strides(shape);
        int[] own = Arrays.copyOf(shape, rank - 2);
        boolean sameBatch = Arrays.equals(own, batch);
        if (sameBatch && !swap) {
            return data;
        }
        int[] viewShape = Arrays.copyOf(batch, batch.length + 2);
        viewShape[batch.length] = rows;
        viewShape[batch.length + 1] = k;
        int[] viewStrides = new int[viewShape.length];
        int[] ownBatchStrides = Strided.broadcastStrides(own, batch);
        int[] ownStrides = Arrays.copyOf(strides, rank - 2);
        for (int i = 0; i < batch.length; i++) {
            // broadcastStrides assumed contiguous own-batch strides; rescale them to the full matrix's strides
            int shift = batch.length - own.length;
            viewStrides[i] = i < shift || ownBatchStrides[i] == 0 ? 0 : ownStrides[i - shift];
        }
        viewStrides[batch.length] = swap ? strides[rank - 1] : strides[rank - 2];
        viewStrides[batch.length + 1] = swap ? strides[rank - 2] : strides[rank - 1];
        float[] out = new float[Shapes.size(viewShape)];
        Strided.gather(data, 0, viewStrides, viewShape, out);
        return out;
    }

    /** int32 matmul (rare; kept as a plain loop through float-free arithmetic). */
    private static NdArray intMatmul(OpArgs a, NdArray x, NdArray y, boolean tx, boolean ty) {
        if (x.isFloat() || y.isFloat() || x.rank() != 2 || y.rank() != 2) {
            throw a.fail("int32 matmul is supported for rank-2 int32 operands only, got " + x + " and " + y);
        }
        int m = tx ? x.dim(1) : x.dim(0);
        int k = tx ? x.dim(0) : x.dim(1);
        int n = ty ? y.dim(0) : y.dim(1);
        if ((ty ? y.dim(1) : y.dim(0)) != k) throw a.fail("inner dims differ: " + x + " vs " + y);
        int[] c = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int p = 0; p < k; p++) {
                    int xv = tx ? x.ints()[p * m + i] : x.ints()[i * k + p];
                    int yv = ty ? y.ints()[j * k + p] : y.ints()[p * n + j];
                    acc += xv * yv;
                }
                c[i * n + j] = acc;
            }
        }
        return NdArray.i32(new int[] {m, n}, c);
    }

    /**
     * The two contractions MIL allows (coreml-mlpackage.md §6.6), under any letters: {@code nchw,nwhu->nchu} and
     * {@code chw,whr->chr}, i.e. for every (n, h) a {@code [c, w] · [w, u]} product. Rank 3 is rank 4 with n = 1.
     */
    private static NdArray einsum(OpArgs a) {
        java.util.List<NdArray> values = a.tensors("values");
        String eq = a.stringValue("equation", "").replace(" ", "");
        if (values.size() != 2) throw a.fail("einsum needs exactly 2 values, got " + values.size());
        NdArray x = values.get(0);
        NdArray y = values.get(1);
        boolean four = x.rank() == 4 && y.rank() == 4;
        if (!supportedEinsum(eq, four ? 4 : x.rank() == 3 && y.rank() == 3 ? 3 : 0) || !x.isFloat() || !y.isFloat()) {
            throw a.fail("unsupported einsum '" + eq + "' for " + x + " and " + y
                    + " (supported: nchw,nwhu->nchu and chw,whr->chr)");
        }
        int n = four ? x.dim(0) : 1;
        int c = x.dim(-3);
        int h = x.dim(-2);
        int w = x.dim(-1);
        int u = y.dim(-1);
        if ((four && y.dim(0) != n) || y.dim(-3) != w || y.dim(-2) != h) {
            throw a.fail("einsum '" + eq + "': y " + y + " does not match x " + x);
        }
        float[] xs = x.floats();
        float[] ys = y.floats();
        float[] out = new float[n * c * h * u];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < c; ci++) {
                for (int hi = 0; hi < h; hi++) {
                    for (int ui = 0; ui < u; ui++) {
                        float acc = 0f;
                        for (int wi = 0; wi < w; wi++) {
                            acc += xs[((b * c + ci) * h + hi) * w + wi] * ys[((b * w + wi) * h + hi) * u + ui];
                        }
                        out[((b * c + ci) * h + hi) * u + ui] = acc;
                    }
                }
            }
        }
        return NdArray.f32(four ? new int[] {n, c, h, u} : new int[] {c, h, u}, out);
    }

    /** Whether {@code eq} is {@code nchw,nwhu->nchu} (rank 4) or {@code chw,whr->chr} (rank 3) in some letters. */
    private static boolean supportedEinsum(String eq, int rank) {
        String[] io = eq.split("->");
        String[] in = io.length == 2 ? io[0].split(",") : new String[0];
        if (rank == 0 || in.length != 2 || in[0].length() != rank || in[1].length() != rank || io[1].length() != rank) {
            return false;
        }
        String x = rank == 4 ? in[0] : "_" + in[0];          // n c h w
        String y = rank == 4 ? in[1] : x.charAt(0) + in[1];  // n w h u
        String o = rank == 4 ? io[1] : x.charAt(0) + io[1];  // n c h u
        String letters = "" + x.charAt(0) + x.charAt(1) + x.charAt(2) + x.charAt(3) + y.charAt(3);
        return letters.chars().distinct().count() == 5
                && y.equals("" + x.charAt(0) + x.charAt(3) + x.charAt(2) + y.charAt(3))
                && o.equals("" + x.charAt(0) + x.charAt(1) + x.charAt(2) + y.charAt(3));
    }

    /** {@code softmax(Q·Kᵀ/√E + mask)·V}; a bool mask keeps positions where it is true. */
    private static NdArray attention(OpArgs a) {
        NdArray q = floats(a, "query");
        NdArray k = floats(a, "key");
        NdArray v = floats(a, "value");
        NdArray mask = a.optTensor("attn_mask");
        NdArray scores = matmul(a, q, k, false, true, false);
        float scale = (float) (1 / Math.sqrt(q.dim(-1)));
        float[] s = scores.floats();
        for (int i = 0; i < s.length; i++) {
            s[i] *= scale;
        }
        int[] shape = scores.shape();
        if (mask != null) {
            int[] full = Shapes.broadcast(shape, mask.shape());
            if (full == null || !Arrays.equals(full, shape)) {
                throw a.fail("attn_mask " + mask + " does not broadcast to scores " + Arrays.toString(shape));
            }
            NdArray m = Strided.broadcastTo(mask, shape);
            for (int i = 0; i < s.length; i++) {
                if (m.kind() == NdArray.Kind.BOOL) {
                    if (m.ints()[i] == 0) s[i] = Float.NEGATIVE_INFINITY;
                } else {
                    s[i] += m.floats()[i];
                }
            }
        }
        NdArray p = NdArray.f32(shape, ReductionOps.softmax(s, shape, shape.length - 1));
        return matmul(a, p, v, false, false, false);
    }

    // ---------------------------------------------------------------- output types (MilBuilder)

    /** {@code x · weightᵀ + bias}: x rank 1..3 ending in D_in, weight {@code [D_out, D_in]}, bias {@code [D_out]} or null. */
    public static TensorType linearType(Var x, Var weight, Var bias) {
        TensorType tx = x.tensorType();
        TensorType tw = weight.tensorType();
        if (tx.rank() < 1 || tx.rank() > 3) throw fail("x rank " + tx.rank() + " not in 1..3");
        if (tw.rank() != 2) throw fail("weight must be [D_out, D_in], got " + tw);
        if (tx.dim(-1) != tw.dim(1)) {
            throw fail("x last dim " + tx.dim(-1) + " != weight dim 1 (" + tw.dim(1) + ")");
        }
        TypeRules.requireSameDtype(x, weight);
        if (bias != null) {
            TypeRules.requireSameDtype(x, bias);
            if (bias.tensorType().rank() != 1 || bias.tensorType().dim(0) != tw.dim(0)) {
                throw fail("bias " + bias.tensorType() + " != [" + tw.dim(0) + "]");
            }
        }
        java.util.List<Long> shape = new java.util.ArrayList<>(tx.shape());
        shape.set(shape.size() - 1, tw.dim(0));
        return new TensorType(tx.dataType(), shape);
    }

    /** NumPy matmul of rank >= 2 operands with optional transposes of the last two axes; batch dims broadcast. */
    public static TensorType matmulType(Var x, Var y, boolean transposeX, boolean transposeY) {
        TensorType tx = x.tensorType();
        TensorType ty = y.tensorType();
        TypeRules.requireSameDtype(x, y);
        if (tx.rank() < 2 || ty.rank() < 2) {
            throw fail("operands need rank >= 2, got " + tx + " and " + ty);
        }
        long m = transposeX ? tx.dim(-1) : tx.dim(-2);
        long kx = transposeX ? tx.dim(-2) : tx.dim(-1);
        long ky = transposeY ? ty.dim(-1) : ty.dim(-2);
        long n = transposeY ? ty.dim(-2) : ty.dim(-1);
        if (kx != ky) {
            throw fail("inner dims differ: x " + tx + " (k=" + kx + ") vs y " + ty + " (k=" + ky + ")");
        }
        java.util.List<Long> shape = new java.util.ArrayList<>(TypeRules.broadcast(tx.shape().subList(0, tx.rank() - 2),
                ty.shape().subList(0, ty.rank() - 2)));
        shape.add(m);
        shape.add(n);
        return new TensorType(tx.dataType(), shape);
    }

    /**
     * iOS 18 fused attention: q {@code [*B, L, E]}, k {@code [*B, S, E]}, v {@code [*B, S, E_v]}, mask (bool or q's
     * dtype, broadcastable to {@code [*B, L, S]}) or null; output {@code [*B, L, E_v]}.
     */
    public static TensorType attentionType(Var query, Var key, Var value, Var mask) {
        TypeRules.requireFloat(query);
        TypeRules.requireSameDtype(query, key);
        TypeRules.requireSameDtype(query, value);
        TensorType q = query.tensorType();
        TensorType k = key.tensorType();
        TensorType v = value.tensorType();
        if (q.rank() < 3 || k.rank() != q.rank() || v.rank() != q.rank()) {
            throw fail("query/key/value need the same rank >= 3, got " + q + ", " + k + ", " + v);
        }
        if (q.dim(-1) != k.dim(-1) || k.dim(-2) != v.dim(-2)) {
            throw fail("query " + q + ", key " + k + ", value " + v + " disagree on E or S");
        }
        java.util.List<Long> batch = TypeRules.broadcast(q.shape().subList(0, q.rank() - 2), k.shape().subList(0, k.rank() - 2));
        batch = TypeRules.broadcast(batch, v.shape().subList(0, v.rank() - 2));
        if (mask != null) {
            DataType md = mask.tensorType().dataType();
            if (md != DataType.BOOL && md != q.dataType()) {
                throw fail("attn_mask " + mask.tensorType() + " must be bool or " + q.dataType().milName);
            }
            java.util.List<Long> scores = new java.util.ArrayList<>(batch);
            scores.add(q.dim(-2));
            scores.add(k.dim(-2));
            if (!TypeRules.broadcast(mask.tensorType().shape(), scores).equals(scores)) {
                throw fail("attn_mask " + mask.tensorType() + " does not broadcast to scores " + scores);
            }
        }
        java.util.List<Long> shape = new java.util.ArrayList<>(batch);
        shape.add(q.dim(-2));
        shape.add(v.dim(-1));
        return new TensorType(q.dataType(), shape);
    }
}
