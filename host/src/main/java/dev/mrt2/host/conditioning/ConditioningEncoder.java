package dev.mrt2.host.conditioning;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.List;

/**
 * The Depthformer's conditioning encoder (mrt2-model.md §2.7, §7, §15), straight from the checkpoint's five tables,
 * float32 values with float64 sums rounded once per stage (§15.8: float32 is the reference; Google's engines run
 * bfloat16). Per frame:
 * <pre>
 * a = (sum over levels l of M[1031 l + style_l + 7]) . A        M [12 372, 768], A [768, S]: Dense, no bias
 * r = (1/132) sum over channels c of R[off_c + raw_c + 7]       R [1 536, S]
 * source = LayerNorm((a + r) / 2; scale, bias), eps 1e-6, biased variance
 * </pre>
 * The encoder body is an identity for mrt2_small, so each frame is encoded on its own. The port's intensity gain
 * multiplies the whole LayerNorm output (bias included).
 */
public final class ConditioningEncoder {
    static final String STYLE_TABLE = "layers_1/branched_mulan_embedder/mulan_embedder/mulan_dequantizer/embedding";
    static final String STYLE_ADAPTER = "layers_1/branched_mulan_embedder/mulan_embedder/depth_input_adapter/kernel";
    static final String REGULAR_TABLE = "layers_1/branched_regular_embedder/regular_embedder/embedding";
    static final String LN_SCALE = "encoder_ln/scale";
    static final String LN_BIAS = "encoder_ln/bias";

    /** The five keys, full names, in the order they are read. */
    public static final List<String> KEYS = List.of(Mrt2Keys.encoder(STYLE_TABLE), Mrt2Keys.encoder(STYLE_ADAPTER),
            Mrt2Keys.encoder(REGULAR_TABLE), Mrt2Keys.encoder(LN_SCALE), Mrt2Keys.encoder(LN_BIAS));

    private final float[] styleTable;     // [12 372, styleDim]
    private final float[] adapter;        // [styleDim, S]
    private final float[] regularTable;   // [regular rows, S]
    private final float[] lnScale;        // [S]
    private final float[] lnBias;         // [S]
    private final int styleDim;
    private final int sourceDim;

    ConditioningEncoder(float[] styleTable, float[] adapter, float[] regularTable, float[] lnScale, float[] lnBias,
                        int styleDim, int sourceDim) {
        this.styleTable = styleTable;
        this.adapter = adapter;
        this.regularTable = regularTable;
        this.lnScale = lnScale;
        this.lnBias = lnBias;
        this.styleDim = styleDim;
        this.sourceDim = sourceDim;
    }

    /**
     * Reads the tables, checking their shapes: the row counts are fixed by the token layout (12 x 1031 style rows,
     * at least 1 526 regular rows), the widths come from the checkpoint.
     */
    public static ConditioningEncoder load(SafetensorsFile file) {
        String name = file.path().getFileName().toString();
        List<Long> style = shape(file, KEYS.get(0), 2);
        int styleDim = Math.toIntExact(style.get(1));
        List<Long> adapter = shape(file, KEYS.get(1), 2);
        int sourceDim = Math.toIntExact(adapter.get(1));
        List<Long> regular = shape(file, KEYS.get(2), 2);
        if (style.get(0) != ConditioningLayout.STYLE_ROWS) {
            throw new BadInputException(name + ": key '" + KEYS.get(0) + "' has " + style.get(0) + " rows, the "
                    + "conditioning tokens need " + ConditioningLayout.STYLE_LEVELS + " x "
                    + ConditioningLayout.STYLE_ROWS_PER_LEVEL + " = " + ConditioningLayout.STYLE_ROWS
                    + " (a synthetic checkpoint from before the tiny preset kept them at full size?)");
        }
        if (adapter.get(0) != styleDim) {
            throw new BadInputException(name + ": key '" + KEYS.get(1) + "' has shape " + adapter + ", expected ["
                    + styleDim + ", S]");
        }
        if (regular.get(0) < ConditioningLayout.REGULAR_ROWS_USED || regular.get(1) != sourceDim) {
            throw new BadInputException(name + ": key '" + KEYS.get(2) + "' has shape " + regular + ", expected at "
                    + "least [" + ConditioningLayout.REGULAR_ROWS_USED + ", " + sourceDim + "]");
        }
        for (String key : KEYS.subList(3, 5)) {
            List<Long> s = shape(file, key, 1);
            if (s.get(0) != sourceDim) {
                throw new BadInputException(name + ": key '" + key + "' has shape " + s + ", expected [" + sourceDim
                        + "]");
            }
        }
        return new ConditioningEncoder(finite(file, name, KEYS.get(0)), finite(file, name, KEYS.get(1)),
                finite(file, name, KEYS.get(2)), finite(file, name, KEYS.get(3)), finite(file, name, KEYS.get(4)),
                styleDim, sourceDim);
    }

    /**
     * A table's values, every one finite: convert checks only the keys its packages read, and these five are not among
     * them, so a NaN here would otherwise reach the conditioning rows (and every frame rendered from them).
     */
    private static float[] finite(SafetensorsFile file, String name, String key) {
        float[] v = file.readFloats(key);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new BadInputException(name + ": key '" + key + "' holds " + v[i] + " at element " + i
                        + " (every encoder value must be finite)");
            }
        }
        return v;
    }

    /** S, the width of {@code source_encoded} (256). */
    public int sourceDim() {
        return sourceDim;
    }

    /** {@code source_encoded [S]} of one frame, times {@code gain}. */
    public float[] encode(ConditioningTokens tokens, float gain) {
        float[] styleSum = new float[styleDim];
        double[] acc = new double[styleDim];
        for (int l = 0; l < ConditioningLayout.STYLE_LEVELS; l++) {
            int row = ConditioningLayout.styleRow(l, tokens.style(l));
            for (int d = 0; d < styleDim; d++) {
                acc[d] += styleTable[row * styleDim + d];
            }
        }
        for (int d = 0; d < styleDim; d++) {
            styleSum[d] = (float) acc[d];
        }
        float[] a = new float[sourceDim];
        for (int j = 0; j < sourceDim; j++) {
            double s = 0;
            for (int d = 0; d < styleDim; d++) {
                s += (double) styleSum[d] * adapter[d * sourceDim + j];
            }
            a[j] = (float) s;
        }
        double[] r = new double[sourceDim];
        for (int c = 0; c < ConditioningLayout.REGULAR_CHANNELS; c++) {
            int row = ConditioningLayout.regularRow(c, tokens.regular(c));
            for (int j = 0; j < sourceDim; j++) {
                r[j] += regularTable[row * sourceDim + j];
            }
        }
        float[] x = new float[sourceDim];
        for (int j = 0; j < sourceDim; j++) {
            float mean = (float) (r[j] / ConditioningLayout.REGULAR_CHANNELS);
            x[j] = (a[j] + mean) / 2;
        }
        return layerNorm(x, gain);
    }

    /** {@code ((x - mu) / sqrt(var + eps) * scale + bias) * gain}, biased variance. */
    private float[] layerNorm(float[] x, float gain) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double inv = 1 / Math.sqrt(var + Mrt2Constants.NORM_EPSILON);
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            float normed = (float) ((x[j] - mean) * inv * lnScale[j] + lnBias[j]);
            out[j] = normed * gain;
        }
        return out;
    }

    private static List<Long> shape(SafetensorsFile file, String key, int rank) {
        String name = file.path().getFileName().toString();
        if (!file.contains(key)) {
            throw new BadInputException(name + ": missing key '" + key + "' (the conditioning encoder's tables)");
        }
        List<Long> shape = file.info(key).shape();
        if (shape.size() != rank) {
            throw new BadInputException(name + ": key '" + key + "' has shape " + shape + ", expected rank " + rank);
        }
        return shape;
    }
}
