package dev.mrt2.model;

/** Configuration constants of MRT2 that are not stored in the checkpoint (mrt2-model.md §1, §2.12). */
public final class Mrt2Constants {
    private Mrt2Constants() {}

    /** Token ids 0..5 are reserved; SOS = 0; unique id = 6 + C * level + code. */
    public static final int RESERVED_TOKENS = 6;
    public static final int SOS_ID = 0;
    /** Past frames visible to temporal self- and cross-attention (the KV cache length). */
    public static final int WINDOW = 41;
    /** RMSNorm and LayerNorm epsilon. */
    public static final float NORM_EPSILON = 1e-6f;
    /** Final logits soft cap: 30 * tanh(z / 30). */
    public static final float LOGIT_SOFT_CAP = 30f;
    /** Per-dim query scale constant 1 / ln 2 = 1 / softplus(0). */
    public static final float QUERY_SCALE_CONSTANT = 1.442695041f;
    /** Reference sampler defaults. */
    public static final int TOP_K = 40;
    public static final float DEFAULT_TEMPERATURE = 1.3f;
    /** Mask value that is representable in FP16 and below any reachable logit (spec 3.8, 6.2.2). */
    public static final float FP16_MASK = -1e4f;
    /** Mask value of the FP32 reference and the gen-1 graphs. */
    public static final float FP32_MASK = -1e9f;
    /** SpectroStream STFT: frame 960, hop 480, 480 kept bins (Nyquist dropped), 4 output channels (re, im) x 2. */
    public static final int STFT_FRAME = 960;
    public static final int STFT_HOP = 480;
    public static final int STFT_BINS = 480;
    public static final int CODEC_OUTPUT_CHANNELS = 4;
    /** Codec time upsampling (token frame -> STFT frames) and the lookahead crop in STFT frames. */
    public static final int CODEC_TIME_STRIDE = 4;
    public static final int CODEC_LOOKAHEAD_FRAMES = 4;
    public static final int CODEC_CHANNEL_SPLITS = 2;
    public static final float CODEC_ELU_ALPHA = 1f;
    public static final int SAMPLE_RATE = 48_000;
    public static final int FRAME_RATE = 25;

    /** Embedding scale sqrt(D) (32 for D = 1024). */
    public static float embeddingScale(int modelDim) {
        return (float) Math.sqrt(modelDim);
    }
}
