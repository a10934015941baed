package dev.mrt2.validate.engine;

import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.validate.reference.Codebooks;
import dev.mrt2.validate.reference.Conv2d;
import dev.mrt2.validate.reference.DecoderReference;
import dev.mrt2.validate.reference.FastConv2d;
import java.nio.file.Path;

/**
 * {@code --engine reference} for decoding: the checkpoint's codebooks summed by {@link Codebooks} and the
 * SpectroStream decoder computed by {@link DecoderReference} (transposed convs in the checkpoint's native form, §14.4),
 * in windows of T tokens like the package, so both engines emit the same rows. Convolutions run on the engine the
 * caller gives ({@link FastConv2d}: DJL's PyTorch where it loads and passes its self-check, else the JVM kernels).
 */
public final class ReferenceAudioDecoder implements AudioDecoder {
    private final Codebooks codebooks;
    private final DecoderReference decoder;
    /** Closed with this decoder; null when the caller owns it. */
    private final Conv2d conv;
    private final Mrt2Dims dims;
    private final int frames;
    private final String description;

    private ReferenceAudioDecoder(Codebooks codebooks, DecoderReference decoder, Conv2d conv, Mrt2Dims dims,
                                  int frames, String description) {
        this.codebooks = codebooks;
        this.decoder = decoder;
        this.conv = conv;
        this.dims = dims;
        this.frames = frames;
        this.description = description;
    }

    /** @param frames tokens per decoder call (the window T; 25 like the default package) */
    public static ReferenceAudioDecoder open(Path checkpoint, int frames) {
        return open(checkpoint, frames, FastConv2d.fastest());
    }

    /**
     * A decoder over weights the caller has loaded and keeps: closing it leaves {@code conv} open. Describes itself
     * as {@link #open} would for the same checkpoint and convolutions.
     */
    public static ReferenceAudioDecoder sharing(Codebooks codebooks, DecoderReference decoder, Conv2d conv,
                                                Mrt2Dims dims, int frames, Path checkpoint) {
        if (frames < 2) {
            throw new IllegalArgumentException("decoder window " + frames + " tokens: needs 2 or more");
        }
        return new ReferenceAudioDecoder(codebooks, decoder, null, dims, frames, description(checkpoint, conv));
    }

    /** With a given convolution engine (closed with the decoder when it is a {@link FastConv2d}). */
    public static ReferenceAudioDecoder open(Path checkpoint, int frames, Conv2d conv) {
        if (frames < 2) {
            closeConv(conv);
            throw new IllegalArgumentException("decoder window " + frames + " tokens: needs 2 or more");
        }
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            Mrt2Dims dims = Mrt2Dims.fromCheckpoint(file);
            return new ReferenceAudioDecoder(Codebooks.load(file, dims), DecoderReference.load(file, dims, conv), conv,
                    dims, frames, description(checkpoint, conv));
        } catch (RuntimeException e) {
            closeConv(conv);
            throw e;
        }
    }

    private static String description(Path checkpoint, Conv2d conv) {
        return "reference decoder from " + checkpoint.getFileName() + " ("
                + (conv instanceof FastConv2d fast ? fast.backendName() : "scalar") + " convolutions)";
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public int levels() {
        return dims.rvqLevels();
    }

    @Override
    public int codebookSize() {
        return dims.codebookSize();
    }

    @Override
    public float[] embed(int[] codes) {
        return codebooks.embeddingsFromCodes(new int[][] {codes})[0];
    }

    @Override
    public float[] decode(float[][] embeddings) {
        return decoder.decode(embeddings).floats();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        closeConv(conv);
    }

    private static void closeConv(Conv2d conv) {
        if (conv instanceof FastConv2d fast) {
            fast.close();
        }
    }
}
