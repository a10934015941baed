package dev.mrt2.host.conditioning;

import java.util.Arrays;

/**
 * One frame's 144 raw conditioning tokens in the encoder's channel order (mrt2-model.md §7): 12 MusicCoCa style tokens
 * (0..1023 or -1), 128 note states (-1..3), 1 drum token (-1 masked, 0 none, 1 play), CFG style, notes, drums bins.
 * Raw means before the +7 offset the encoder adds.
 */
public final class ConditioningTokens {
    private final int[] raw;

    private ConditioningTokens(int[] raw) {
        this.raw = raw;
    }

    public static ConditioningTokens of(int[] style, int[] notes, int drum, CfgGuidance cfg) {
        if (style.length != ConditioningLayout.STYLE_LEVELS) {
            throw new IllegalArgumentException(style.length + " style tokens, expected "
                    + ConditioningLayout.STYLE_LEVELS);
        }
        if (notes.length != ConditioningLayout.PITCHES) {
            throw new IllegalArgumentException(notes.length + " note tokens, expected " + ConditioningLayout.PITCHES);
        }
        for (int l = 0; l < style.length; l++) {
            check("style level " + l, style[l], ConditioningLayout.STYLE_CODES - 1);
        }
        for (int p = 0; p < notes.length; p++) {
            check("pitch " + p, notes[p], NoteState.AUTO.token());
        }
        check("drum", drum, 1);
        int[] raw = new int[ConditioningLayout.TOKENS];
        System.arraycopy(style, 0, raw, 0, style.length);
        System.arraycopy(notes, 0, raw, style.length, notes.length);
        int r = style.length + notes.length;
        raw[r] = drum;
        raw[r + 1] = cfg.styleToken();
        raw[r + 2] = cfg.notesToken();
        raw[r + 3] = cfg.drumsToken();
        return new ConditioningTokens(raw);
    }

    /** All 144 raw tokens, a copy. */
    public int[] raw() {
        return raw.clone();
    }

    /** Raw style token of level {@code level}. */
    public int style(int level) {
        return raw[level];
    }

    /** Raw token of regular channel {@code channel} (0..127 notes, 128 drum, 129..131 CFG). */
    public int regular(int channel) {
        return raw[ConditioningLayout.STYLE_LEVELS + channel];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConditioningTokens t && Arrays.equals(raw, t.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    private static void check(String what, int token, int max) {
        if (token < ConditioningLayout.MASKED || token > max) {
            throw new IllegalArgumentException(what + ": token " + token + " outside -1.." + max);
        }
    }
}
