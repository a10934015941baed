package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spec §15.4: note states from played keys, onset modes, unmask width. */
class NoteRollTest {
    @Test
    void constantNotesWithWidthWriteOffAroundSoundingPitches() {
        int[] t = NoteRoll.constant(NotesOption.parse("C4,E4:onset,30:off", NoteState.AUTO), 1);
        assertEquals(3, t[60], "bare pitch with auto-strum");
        assertEquals(2, t[64]);
        assertEquals(0, t[59]);
        assertEquals(0, t[61]);
        assertEquals(0, t[63]);
        assertEquals(0, t[65]);
        assertEquals(0, t[30], "an explicit off pitch");
        assertEquals(-1, t[58]);
        assertEquals(-1, t[66]);
        assertEquals(-1, t[127]);
    }

    @Test
    void widthOf127MakesEveryPitchExplicit() {
        int[] t = NoteRoll.constant(Map.of(0, NoteState.SUSTAIN), 127);
        assertEquals(1, t[0]);
        for (int p = 1; p < 128; p++) {
            assertEquals(0, t[p], "pitch " + p);
        }
        assertArrayEquals(NoteRoll.masked(), NoteRoll.constant(Map.of(), 5), "nothing sounding: all masked");
    }

    @Test
    void autoStrumMarksEverySoundingFrameThreeExactMarksTheFirstFrameOnset() {
        List<PlayedNote> notes = List.of(new PlayedNote(60, 0, 3), new PlayedNote(64, 2, 4));
        int[][] auto = NoteRoll.frames(notes, 5, OnsetMode.AUTO, 0);
        int[][] exact = NoteRoll.frames(notes, 5, OnsetMode.EXACT, 0);
        assertEquals(3, auto[0][60]);
        assertEquals(3, auto[2][64]);
        assertEquals(-1, auto[3][60], "note ended");
        assertEquals(2, exact[0][60]);
        assertEquals(1, exact[1][60]);
        assertEquals(1, exact[2][60]);
        assertEquals(2, exact[2][64]);
        assertEquals(1, exact[3][64]);
        assertArrayEquals(NoteRoll.masked(), exact[4], "silence is masked");
    }

    @Test
    void notesOptionReadsNumbersNamesAndStates() {
        assertEquals(60, NotesOption.pitch("C4"));
        assertEquals(61, NotesOption.pitch("C#4"));
        assertEquals(58, NotesOption.pitch("Bb3"));
        assertEquals(0, NotesOption.pitch("C-1"));
        assertEquals(127, NotesOption.pitch("G9"));
        assertEquals("C4", NotesOption.name(60));
        assertEquals(Map.of(60, NoteState.SUSTAIN, 67, NoteState.AUTO),
                NotesOption.parse("60:sustain, G4", NoteState.AUTO));
        assertThrows(IllegalArgumentException.class, () -> NotesOption.parse("60,60", NoteState.AUTO));
        assertThrows(IllegalArgumentException.class, () -> NotesOption.parse("128", NoteState.AUTO));
        assertThrows(IllegalArgumentException.class, () -> NotesOption.parse("H2", NoteState.AUTO));
        assertThrows(IllegalArgumentException.class, () -> NotesOption.parse("60:loud", NoteState.AUTO));
    }
}
