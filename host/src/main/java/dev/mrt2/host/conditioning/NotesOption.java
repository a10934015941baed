package dev.mrt2.host.conditioning;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses {@code --notes}: comma-separated pitches, each a MIDI number (0..127) or a note name ({@code C4} = 60,
 * {@code F#3}, {@code Bb2}), optionally {@code :state} with the port's states {@code off}, {@code sustain},
 * {@code onset}, {@code auto}. A bare pitch gets the default state ({@code auto} with auto-strum, else
 * {@code sustain}); a pitch named twice is an error.
 */
public final class NotesOption {
    private static final String[] NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

    private NotesOption() {}

    public static Map<Integer, NoteState> parse(String text, NoteState bareState) {
        Map<Integer, NoteState> states = new TreeMap<>();
        for (String raw : text.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.indexOf(':');
            int pitch = pitch(colon < 0 ? item : item.substring(0, colon));
            NoteState state = colon < 0 ? bareState : NoteState.parse(item.substring(colon + 1));
            if (states.put(pitch, state) != null) {
                throw new IllegalArgumentException("--notes: pitch " + pitch + " is given twice");
            }
        }
        return states;
    }

    /** A MIDI number or a note name with octave (C-1 = 0, C4 = 60, G9 = 127). */
    public static int pitch(String text) {
        String t = text.trim();
        int p;
        if (!t.isEmpty() && (Character.isDigit(t.charAt(0)))) {
            try {
                p = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--notes: '" + text + "' is not a pitch");
            }
        } else {
            p = named(t);
        }
        if (p < 0 || p > 127) {
            throw new IllegalArgumentException("--notes: pitch " + text + " outside 0..127");
        }
        return p;
    }

    /** The conventional name of a pitch, e.g. 60 -> C4. */
    public static String name(int pitch) {
        return NAMES[pitch % 12] + (pitch / 12 - 1);
    }

    private static int named(String t) {
        String upper = t.toUpperCase(Locale.ROOT);
        if (upper.isEmpty() || "CDEFGAB".indexOf(upper.charAt(0)) < 0) {
            throw new IllegalArgumentException("--notes: '" + t + "' is not a pitch (a MIDI number or a name like C4)");
        }
        int semitone = new int[] {0, 2, 4, 5, 7, 9, 11}["CDEFGAB".indexOf(upper.charAt(0))];
        int i = 1;
        while (i < t.length() && (t.charAt(i) == '#' || t.charAt(i) == 'b')) {
            semitone += t.charAt(i) == '#' ? 1 : -1;
            i++;
        }
        try {
            return 12 * (Integer.parseInt(t.substring(i)) + 1) + semitone;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--notes: '" + t + "' is not a pitch (a MIDI number or a name like C4)");
        }
    }
}
