package dev.mrt2.host.conditioning;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The 128 piano-roll tokens of a frame from the keys being played (mrt2-model.md §15.4, Google's engine
 * {@code populate_condition_tokens} and the port's note builder): sounding pitches get their state, pitches within
 * {@code +-width} semitones of a sounding pitch that are not sounding get 0 (explicitly off), every other pitch stays -1
 * (masked: the model decides). {@code width >= 127} makes every pitch explicit; a frame with nothing sounding is all
 * masked.
 */
public final class NoteRoll {
    private NoteRoll() {}

    /**
     * Constant controls ({@code --notes}): pitch to state. An explicit {@code off} pitch is written 0 even outside the
     * width of a sounding one.
     */
    public static int[] constant(Map<Integer, NoteState> states, int width) {
        int[] tokens = masked();
        boolean[] sounding = new boolean[ConditioningLayout.PITCHES];
        states.forEach((pitch, state) -> sounding[pitch] = state.sounding());
        unmask(tokens, sounding, width);
        states.forEach((pitch, state) -> {
            if (state != NoteState.MASKED) {
                tokens[pitch] = state.token();
            }
        });
        return tokens;
    }

    /** Per-frame tokens {@code [frames][128]} for notes on the frame grid, with the given onset mode. */
    public static int[][] frames(List<PlayedNote> notes, int frames, OnsetMode mode, int width) {
        int[][] out = new int[frames][];
        for (int f = 0; f < frames; f++) {
            int[] tokens = masked();
            boolean[] sounding = new boolean[ConditioningLayout.PITCHES];
            boolean[] starts = new boolean[ConditioningLayout.PITCHES];
            for (PlayedNote n : notes) {
                if (n.soundsAt(f)) {
                    sounding[n.pitch()] = true;
                    starts[n.pitch()] |= n.startFrame() == f;
                }
            }
            unmask(tokens, sounding, width);
            for (int p = 0; p < ConditioningLayout.PITCHES; p++) {
                if (sounding[p]) {
                    tokens[p] = switch (mode) {
                        case AUTO -> NoteState.AUTO.token();
                        case EXACT -> (starts[p] ? NoteState.ONSET : NoteState.SUSTAIN).token();
                    };
                }
            }
            out[f] = tokens;
        }
        return out;
    }

    /** All pitches -1. */
    public static int[] masked() {
        int[] tokens = new int[ConditioningLayout.PITCHES];
        Arrays.fill(tokens, ConditioningLayout.MASKED);
        return tokens;
    }

    /** 0 for every pitch within {@code +-width} of a sounding one (the sounding ones are overwritten after). */
    private static void unmask(int[] tokens, boolean[] sounding, int width) {
        int w = Math.min(Math.max(width, 0), ConditioningLayout.PITCHES - 1);
        for (int p = 0; p < sounding.length; p++) {
            if (sounding[p]) {
                int from = Math.max(0, p - w);
                int to = Math.min(ConditioningLayout.PITCHES - 1, p + w);
                Arrays.fill(tokens, from, to + 1, NoteState.OFF.token());
            }
        }
    }
}
