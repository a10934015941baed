package dev.mrt2.host.decode;

import dev.mrt2.model.Mrt2Constants;
import java.util.ArrayList;
import java.util.List;

/**
 * How F token frames are decoded by a decoder of fixed window T (MODELS.md section 5, mrt2-model.md §4.7, §14.3).
 * Token k's audio is STFT rows {@code 4k .. 4k + 3} and needs token k + 1, so F tokens give the audio of tokens
 * {@code 0 .. F - 2}: {@code 4 (F - 1)} rows, {@code 1920 (F - 1)} samples per channel.
 *
 * <p>Window 0 covers tokens {@code 0 .. T - 1} and emits all its rows. Each later window starts {@code hop} tokens
 * after the previous one, keeps {@code T - 1 - hop} tokens of context before the tokens it emits and emits the rows of
 * the next {@code hop} tokens; the last window is moved back to end at token F - 1 (more context, fewer new tokens).
 * With 13 context tokens (hop {@code T - 14}, 11 at T = 25) every emitted row equals a continuous decode; with 12
 * (the port's hop 12) the first two rows of each window differ slightly. Fewer than T tokens: one window, zero-padded
 * at the end (the decoder is causal, so the padding reaches no emitted row).
 *
 * @param tokens  F
 * @param frames  T, tokens per decoder call
 * @param hop     tokens between window starts
 * @param windows in order; together they emit every row once
 */
public record WindowPlan(int tokens, int frames, int hop, List<Window> windows) {
    /** Context tokens needed for exactness: token k reaches un-shifted rows up to 4k + 57 (§14.3). */
    public static final int EXACT_CONTEXT = 13;

    /**
     * One decoder call.
     *
     * @param start    first token of the window
     * @param length   real tokens in it ({@code <= T}; fewer only when F < T, padded to T)
     * @param firstRow first emitted row of the window's {@code 4T - 4} output rows
     * @param rows     rows emitted
     */
    public record Window(int start, int length, int firstRow, int rows) {
        /** First emitted token: the window's {@code firstRow / 4}. */
        public int firstToken() {
            return start + firstRow / Mrt2Constants.CODEC_TIME_STRIDE;
        }

        /** Tokens the window needs generated before it can run. */
        public int end() {
            return start + length;
        }
    }

    public WindowPlan {
        windows = List.copyOf(windows);
    }

    /** The default hop for window T: 13 context tokens (exact), at least 1. */
    public static int exactHop(int frames) {
        return Math.max(1, frames - 1 - EXACT_CONTEXT);
    }

    public static WindowPlan of(int tokens, int frames, int hop) {
        if (frames < 2) {
            throw new IllegalArgumentException("decoder window " + frames + " tokens: needs 2 or more");
        }
        if (hop < 1 || hop > frames - 1) {
            throw new IllegalArgumentException("--hop " + hop + " outside 1.." + (frames - 1) + " for a " + frames
                    + "-token decoder window");
        }
        if (tokens < 2) {
            throw new IllegalArgumentException(tokens + " token frame(s): the decoder needs 2 or more (the last one is"
                    + " lookahead only)");
        }
        int stride = Mrt2Constants.CODEC_TIME_STRIDE;
        List<Window> windows = new ArrayList<>();
        if (tokens <= frames) {
            windows.add(new Window(0, tokens, 0, stride * (tokens - 1)));
            return new WindowPlan(tokens, frames, hop, windows);
        }
        int context = frames - 1 - hop;
        windows.add(new Window(0, frames, 0, stride * (frames - 1)));
        int emitted = frames - 1;            // tokens whose audio is out
        while (emitted < tokens - 1) {
            int start = Math.min(emitted - context, tokens - frames);
            int last = start + frames - 1;   // the window's lookahead token
            windows.add(new Window(start, frames, stride * (emitted - start), stride * (last - emitted)));
            emitted = last;
        }
        return new WindowPlan(tokens, frames, hop, windows);
    }

    /** Context tokens of a regular window: {@code T - 1 - hop}. */
    public int context() {
        return frames - 1 - hop;
    }

    /** Whether every emitted row equals a continuous decode (13 or more context tokens). */
    public boolean exact() {
        return windows.size() == 1 || context() >= EXACT_CONTEXT;
    }

    /** STFT rows of the whole decode: {@code 4 (F - 1)}. */
    public int rows() {
        return Mrt2Constants.CODEC_TIME_STRIDE * (tokens - 1);
    }
}
