package dev.mrt2.validate;

import dev.mrt2.host.decode.AudioDecoder;
import dev.mrt2.validate.reference.FrameLoop;
import dev.mrt2.validate.reference.TokenEmbedding;
import java.util.Set;

/**
 * A generation from the checkpoint that advances beside the sampling arms, frame by frame, in the same passes through
 * the reference's weights (the end-to-end check's reference render): each of its frames is what it would get alone.
 */
interface LockstepGeneration {
    /** Token frames to generate. */
    int frames();

    /**
     * Whether each frame starts with a temporal step; false for a depth-only generation (the in-graph rollout's
     * reference), whose input is position 0 of the frame's depth pass and which has no source rows.
     */
    default boolean temporal() {
        return true;
    }

    /** The first temporal input. */
    float[] start(TokenEmbedding embedding);

    /** The source row of frame {@code frame}. */
    float[] source(int frame);

    /** How frame {@code frame} picks its ids (it draws the frame's noise). */
    FrameLoop.Rule rule(FrameLoop loop, int frame);

    /** Frame {@code frame}'s temporal output and sampled ids; returns the next temporal input. */
    float[] accept(int frame, float[] temporalOutput, FrameLoop.Frame sampled);

    /**
     * The decoder windows (tokens a call) in which the generated frames are wanted as audio from the checkpoint's own
     * decoder, decoded by {@link #decode} while the reference holds that decoder; empty for none.
     */
    default Set<Integer> decoderWindows() {
        return Set.of();
    }

    /** Decodes the generated frames with the checkpoint's decoder, {@code decoder.frames()} tokens a call. */
    default void decode(AudioDecoder decoder) {
    }
}
