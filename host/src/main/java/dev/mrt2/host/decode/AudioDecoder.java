package dev.mrt2.host.decode;

import dev.mrt2.host.audio.InverseStft;
import java.util.Arrays;

/**
 * Codes to the pre-iSTFT spectrum: the codebook gather-sum and the SpectroStream decoder, as packages run them (the
 * decoder package with the exported codebooks) or as the reference computes them from the checkpoint.
 */
public interface AudioDecoder extends AutoCloseable {
    /** Tokens per decoder call T (a package's fixed input length). */
    int frames();

    /** RVQ levels L per token frame. */
    int levels();

    /** Codes per level C. */
    int codebookSize();

    /** A frame's decoder embedding {@code [E]} from its codes {@code [L]} (§4.1). */
    float[] embed(int[] codes);

    /** {@code decoder_stft} rows {@code [4T - 4, 480, 4]}, flat, for embeddings {@code [T][E]}. */
    float[] decode(float[][] embeddings);

    /**
     * Rows {@code [firstRow, firstRow + rows)} of {@link #decode}'s result, flat: a window's emitted rows. A decoder
     * may compute just those and the rows they depend on; the values are decode's.
     */
    default float[] decodeRows(float[][] embeddings, int firstRow, int rows) {
        return Arrays.copyOfRange(decode(embeddings), firstRow * InverseStft.FRAME_VALUES,
                (firstRow + rows) * InverseStft.FRAME_VALUES);
    }

    /**
     * The emitted rows of window {@code index} of {@code plan}, for windows asked for in order, each once: a decoder
     * may carry what one window computed into the next and compute only the rows new to it. The values are
     * {@link #decodeRows}'s.
     */
    default float[] decodeWindow(float[][] embeddings, WindowPlan plan, int index) {
        WindowPlan.Window w = plan.windows().get(index);
        return decodeRows(embeddings, w.firstRow(), w.rows());
    }

    /** Floating-point operations of the heavy ops run so far (for reports); NaN when not counted. */
    default double flops() {
        return Double.NaN;
    }

    /** What runs, for reports: e.g. "SpectroStreamDecoder.mlpackage (executor, djl)". */
    String describe();

    @Override
    void close();
}
