package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.midi.MidiSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standard MIDI file written here, read back onto the 25 Hz grid. */
class MidiNotesTest {
    @TempDir
    Path dir;

    /** {@link MidiTestEvents#song} in one track, written as a format-1 file. */
    static Path write(Path file) throws Exception {
        MidiSystem.write(MidiTestEvents.song(true), 1, file.toFile());
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
