package dev.mrt2.host.conditioning;

import java.util.Locale;

/**
 * A piano-roll token (mrt2-model.md §7): -1 masked, 0 off, 1 sustain, 2 onset, 3 "on, the model decides the attack".
 * The names are the port's {@code pitch:state} vocabulary.
 */
public enum NoteState {
    MASKED(-1, "masked"),
    OFF(0, "off"),
    SUSTAIN(1, "sustain"),
    ONSET(2, "onset"),
    AUTO(3, "auto");

    private final int token;
    private final String label;

    NoteState(int token, String label) {
        this.token = token;
        this.label = label;
    }

    public int token() {
        return token;
    }

    public String label() {
        return label;
    }

    /** Sounding: every state but off and masked. */
    public boolean sounding() {
        return token > 0;
    }

    /** {@code off}, {@code sustain}, {@code onset} or {@code auto}. */
    public static NoteState parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (NoteState s : values()) {
            if (s != MASKED && s.label.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("note state '" + text + "': expected off, sustain, onset or auto");
    }
}
