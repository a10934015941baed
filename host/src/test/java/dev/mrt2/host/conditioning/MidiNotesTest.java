package dev.mrt2.host.conditioning;

import static dev.mrt2.host.conditioning.MidiTestEvents.note;
import static dev.mrt2.host.conditioning.MidiTestEvents.tempo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.Track;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standard MIDI file written here, read back onto the 25 Hz grid. */
class MidiNotesTest {
    @TempDir
    Path dir;

    /**
     * 150 bpm (a quarter = 0.4 s = 10 frames), 480 ticks per quarter: C4 for one beat at beat 0 (frames 0..9), E4 from
     * half a beat (frame 5) for one beat, G4 at beat 1 after a tempo change to 75 bpm (a quarter = 20 frames) for one
     * beat, and a snare hit on channel 10.
     */
    static Path write(Path file) throws Exception {
        Sequence s = new Sequence(Sequence.PPQ, 480);
        Track t = s.createTrack();
        t.add(new MidiEvent(tempo(400_000), 0));
        note(t, 0, 60, 0, 480);
        note(t, 0, 64, 240, 720);
        t.add(new MidiEvent(tempo(800_000), 480));
        note(t, 1, 67, 480, 960);
        note(t, 9, 38, 0, 120);
        MidiSystem.write(s, 1, file.toFile());
        return file;
    }



    @Test
    void notesLandOnTheFrameGridThroughTheTempoMap() throws Exception {
        MidiNotes m = MidiNotes.read(write(dir.resolve("song.mid")));
        assertEquals(List.of(new PlayedNote(60, 0, 10), new PlayedNote(64, 5, 20), new PlayedNote(67, 10, 30)),
                m.notes());
        assertEquals(30, m.frames());
        assertEquals(1, m.percussionNotesSkipped(), "channel 10 is drums, not pitches");
        assertEquals(List.of(60, 64, 67), m.pitches());
    }

    @Test
    void aFileThatIsNotMidiIsABadInput() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.mid"), "not midi");
        BadInputException e = assertThrows(BadInputException.class, () -> MidiNotes.read(junk));
        assertTrue(e.getMessage().startsWith(junk + ": not a standard MIDI file"), e.getMessage());
        assertThrows(BadInputException.class, () -> MidiNotes.read(dir.resolve("missing.mid")));
    }
}
