package dev.mrt2.model;

import dev.mrt2.io.BadInputException;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.List;

/**
 * Every dimension of an MRT2 checkpoint that can be read from its tensor shapes (mrt2-model.md §2.12). Converters and
 * the reference take their sizes from here, so the full-size and the tiny synthetic checkpoint run the same code.
 * Configuration constants that are NOT in the checkpoint live in {@link Mrt2Constants}.
 *
 * @param vocab            decoder_embedding rows V = reserved + levels * codebookSize (12 294)
 * @param temporalDim      D (1024)
 * @param temporalLayers   number of temporal x_layers (12)
 * @param temporalHeads    H (8)
 * @param temporalHeadDim  h (128)
 * @param temporalFfn      temporal FFN width (4096)
 * @param sourceDim        S, width of source_encoded (256)
 * @param sinks            attention sinks per temporal block (1)
 * @param depthDim         depth model width (768)
 * @param depthLayers      depth x_layers (2)
 * @param depthHeads       depth heads (6)
 * @param depthHeadDim     depth head dim (128)
 * @param depthFfn         depth FFN width (3072)
 * @param codebookSize     C, codes per RVQ level (1024)
 * @param codebookDim      E, SpectroStream embedding width (256)
 * @param storedLevels     RVQ levels stored in the quantizer (64)
 * @param codecTopWidth    W, channel width entering the codec's parallel block per group (512); base depth = W / 8
 * @param codecInputBins   frequency bins after the input projection (5)
 * @param mulanRows        conditioning encoder MusicCoCa table rows (12 372)
 * @param mulanDim         its width (768)
 * @param regularRows      conditioning encoder regular table rows (1 536)
 */
public record Mrt2Dims(int vocab, int temporalDim, int temporalLayers, int temporalHeads, int temporalHeadDim,
                       int temporalFfn, int sourceDim, int sinks, int depthDim, int depthLayers, int depthHeads,
                       int depthHeadDim, int depthFfn, int codebookSize, int codebookDim, int storedLevels,
                       int codecTopWidth, int codecInputBins, int mulanRows, int mulanDim, int regularRows) {

    public Mrt2Dims {
        if ((vocab - Mrt2Constants.RESERVED_TOKENS) % codebookSize != 0) {
            throw new IllegalArgumentException("vocab " + vocab + " is not " + Mrt2Constants.RESERVED_TOKENS
                    + " + levels x codebook size " + codebookSize);
        }
        if (temporalHeads * temporalHeadDim != temporalDim) {
            throw new IllegalArgumentException("temporal heads x head dim " + temporalHeads + " x " + temporalHeadDim
                    + " != model dim " + temporalDim);
        }
        if (codecTopWidth % 8 != 0) {
            throw new IllegalArgumentException("codec top width " + codecTopWidth + " is not a multiple of 8");
        }
    }

    /** The real {@code mrt2_small} sizes (Appendix A). */
    public static Mrt2Dims small() {
        return new Mrt2Dims(12294, 1024, 12, 8, 128, 4096, 256, 1, 768, 2, 6, 128, 3072, 1024, 256, 64,
                512, 5, 12372, 768, 1536);
    }

    /**
     * Same keys and structure (12 temporal layers, 2 depth layers, 7 codec blocks, 480 output bins), small widths.
     * The conditioning tables keep their full row counts (12 x 1031 MusicCoCa rows, 1536 regular rows; spec §15.9):
     * their rows are indexed by conditioning tokens, not by model widths, so only their widths shrink and the tiny
     * checkpoint conditions with real tokens through the same code as the full-size one.
     */
    public static Mrt2Dims tiny() {
        return new Mrt2Dims(6 + 12 * 32, 64, 12, 4, 16, 128, 16, 1, 48, 2, 3, 16, 96, 32, 16, 16,
                32, 5, 12372, 24, 1536);
    }

    /** RVQ levels the Depthformer generates: (V - 6) / C (12 for the real model). */
    public int rvqLevels() {
        return (vocab - Mrt2Constants.RESERVED_TOKENS) / codebookSize;
    }

    /** Codec base depth b = W / 8: decoder_6 outputs b channels. */
    public int codecBaseDepth() {
        return codecTopWidth / 8;
    }

    /**
     * Reads every dimension from the checkpoint's shapes; a missing key or inconsistent shape fails with a
     * {@link BadInputException} naming the file and the key (the shapes are the user's input, not our invariant).
     */
    public static Mrt2Dims fromCheckpoint(SafetensorsFile file) {
        try {
            return read(file);
        } catch (BadInputException e) {
            throw e;
        } catch (IllegalArgumentException | ArithmeticException e) {
            String name = file.path().getFileName().toString();
            String msg = e.getMessage() == null ? "inconsistent tensor shapes" : e.getMessage();
            throw new BadInputException(msg.startsWith(name) ? msg : name + ": " + msg, e);
        }
    }

    private static Mrt2Dims read(SafetensorsFile file) {
        ShapeReader s = new ShapeReader(file);
        List<Long> emb = s.shape(Mrt2Keys.EMBEDDING, 2);
        List<Long> q = s.shape(Mrt2Keys.temporal(0, Mrt2Keys.query(Mrt2Keys.SELF)), 3);
        List<Long> crossK = s.shape(Mrt2Keys.temporal(0, Mrt2Keys.key(Mrt2Keys.CROSS)), 3);
        List<Long> ffn1 = s.shape(Mrt2Keys.temporal(0, Mrt2Keys.FFN1_KERNEL), 2);
        List<Long> sink = s.shape(Mrt2Keys.temporal(0, Mrt2Keys.sinkKey(Mrt2Keys.SELF)), 3);
        List<Long> adapter = s.shape(Mrt2Keys.depth("depth_input_adapter/kernel"), 2);
        List<Long> dq = s.shape(Mrt2Keys.depthLayer(0, Mrt2Keys.query(Mrt2Keys.SELF)), 3);
        List<Long> dffn = s.shape(Mrt2Keys.depthLayer(0, Mrt2Keys.FFN1_KERNEL), 2);
        List<Long> quant = s.shape(Mrt2Keys.QUANTIZER, 3);
        List<Long> res = s.shape(Mrt2Keys.codec("input_layers_residual_unit/conv2d_3x3_a", "kernel"), 4);
        List<Long> first = s.shape(Mrt2Keys.codec("input_layer/conv1x1_first", "kernel"), 4);
        List<Long> mulan = s.shape(Mrt2Keys.encoder(Mrt2Layout.MULAN_TABLE), 2);
        List<Long> regular = s.shape(Mrt2Keys.encoder(Mrt2Layout.REGULAR_TABLE), 2);
        int topWidth = toInt(res.get(2));
        long projection = first.get(3);
        if (projection % topWidth != 0) {
            throw new BadInputException(file.path().getFileName() + ": codec input projection width " + projection
                    + " is not a multiple of the top width " + topWidth);
        }
        if ((emb.get(0) - Mrt2Constants.RESERVED_TOKENS) % quant.get(1) != 0) {
            throw new BadInputException(file.path().getFileName() + ": key '" + Mrt2Keys.EMBEDDING + "' has shape "
                    + emb + ": its first axis must be " + Mrt2Constants.RESERVED_TOKENS + " + levels x " + quant.get(1)
                    + " (the codebook size of '" + Mrt2Keys.QUANTIZER + "'); is it stored transposed?");
        }
        Mrt2Dims dims = new Mrt2Dims(toInt(emb.get(0)), toInt(emb.get(1)),
                countLayers(file, Mrt2Keys.DEPTHFORMER + "temporal_body/transformer/x_layers_"),
                toInt(q.get(1)), toInt(q.get(2)), toInt(ffn1.get(1)), toInt(crossK.get(0)), toInt(sink.get(0)),
                toInt(adapter.get(1)), countLayers(file, Mrt2Keys.DEPTHFORMER + "depth_body/transformer/x_layers_"),
                toInt(dq.get(1)), toInt(dq.get(2)), toInt(dffn.get(1)),
                toInt(quant.get(1)), toInt(quant.get(2)), toInt(quant.get(0)),
                topWidth, toInt(projection / topWidth), toInt(mulan.get(0)), toInt(mulan.get(1)), toInt(regular.get(0)));
        s.checkAll(dims);
        return dims;
    }

    /**
     * Layers {@code prefix + 0, 1, ...} as far as each has its FFN pre-norm (spec §2.12 counts them). A key of a later
     * layer means a layer the count would drop without a word (a damaged or partly written file): refused, naming it.
     */
    private static int countLayers(SafetensorsFile file, String prefix) {
        int n = 0;
        while (file.contains(prefix + n + "/" + Mrt2Keys.FFN_PRE_NORM)) {
            n++;
        }
        for (var t : file.tensors()) {
            String name = t.name();
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                int slash = rest.indexOf('/');
                String index = slash < 0 ? rest : rest.substring(0, slash);
                boolean counted = !index.isEmpty() && index.length() < 10 && index.chars().allMatch(Character::isDigit)
                        && Integer.parseInt(index) < n;
                if (!counted) {
                    throw new BadInputException(file.path().getFileName() + ": key '" + name + "' belongs to no "
                            + "complete layer: x_layers_0.." + (n - 1) + " each have '" + Mrt2Keys.FFN_PRE_NORM
                            + "', this one's layer does not (a layer cut short?)");
                }
            }
        }
        return n;
    }

    private static int toInt(long v) {
        return Math.toIntExact(v);
    }

    /** Looks up shapes with errors that name the checkpoint and the key; finally checks every key of the layout. */
    private static final class ShapeReader {
        private final SafetensorsFile file;

        ShapeReader(SafetensorsFile file) {
            this.file = file;
        }

        List<Long> shape(String key, int rank) {
            if (!file.contains(key)) {
                throw new BadInputException(file.path().getFileName() + ": missing key '" + key + "'");
            }
            List<Long> shape = file.info(key).shape();
            if (shape.size() != rank) {
                throw new BadInputException(file.path().getFileName() + ": key '" + key + "' has shape "
                        + shape + ", expected rank " + rank);
            }
            return shape;
        }

        void checkAll(Mrt2Dims dims) {
            for (Mrt2Layout.KeySpec spec : Mrt2Layout.keys(dims)) {
                if (!file.contains(spec.key())) {
                    throw new BadInputException(file.path().getFileName() + ": missing key '" + spec.key()
                            + "' (expected " + spec.shape() + " F32)");
                }
                List<Long> actual = file.info(spec.key()).shape();
                if (!actual.equals(spec.shape())) {
                    throw new BadInputException(file.path().getFileName() + ": key '" + spec.key()
                            + "' has shape " + actual + ", expected " + spec.shape());
                }
            }
        }
    }
}
