package dev.mrt2.host.conditioning;

import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
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
}
