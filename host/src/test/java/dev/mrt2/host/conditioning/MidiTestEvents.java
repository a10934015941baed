package dev.mrt2.host.conditioning;

import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/** MIDI events the conditioning tests write their files from. */
final class MidiTestEvents {
    private MidiTestEvents() {}

    /** A set-tempo meta event. */
    static MetaMessage tempo(int microsPerQuarter) throws Exception {
        byte[] d = {(byte) (microsPerQuarter >> 16), (byte) (microsPerQuarter >> 8), (byte) microsPerQuarter};
        return new MetaMessage(0x51, d, 3);
    }

    /** A note from tick {@code on} to {@code off}, ended by a note-on of velocity 0 (which is a note-off too). */
    static void note(Track t, int channel, int pitch, long on, long off) throws Exception {
        t.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, channel, pitch, 90), on));
        t.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, channel, pitch, 0), off));
    }

    /**
     * The test song, 480 ticks per quarter: 150 bpm (a quarter = 0.4 s = 10 frames), C4 for one beat at beat 0 (frames
     * 0..9), E4 from half a beat (frame 5) for one beat, G4 at beat 1 after a tempo change to 75 bpm (a quarter = 20
     * frames) for one beat, and a snare hit on channel 10. In one track, or in three (tempo; C4 and E4; G4 and the
     * snare) as a format-1 file lays them out.
     */
    static Sequence song(boolean oneTrack) throws Exception {
        Sequence s = new Sequence(Sequence.PPQ, 480);
        Track first = s.createTrack();
        Track notes = oneTrack ? first : s.createTrack();
        Track more = oneTrack ? first : s.createTrack();
        first.add(new MidiEvent(tempo(400_000), 0));
        note(notes, 0, 60, 0, 480);
        note(notes, 0, 64, 240, 720);
        first.add(new MidiEvent(tempo(800_000), 480));
        note(more, 1, 67, 480, 960);
        note(more, 9, 38, 0, 120);
        return s;
    }
}
