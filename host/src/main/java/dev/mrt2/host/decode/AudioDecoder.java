package dev.mrt2.host.decode;

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

    /** What runs, for reports: e.g. "SpectroStreamDecoder.mlpackage (executor, djl)". */
    String describe();

    @Override
    void close();
}
