package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Track;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MIDI files javax.sound.midi wrote, then cut, miscounted or altered byte by byte: each damage is named, and a file
 * whose chunks are whole (unknown chunks included) reads the same notes.
 */
class MidiFileStructureTest {
    /** MidiNotesTest's song: C4 frames 0..9, E4 5..19, G4 10..29 (after a tempo change), a snare on channel 10. */
    private static final List<PlayedNote> SONG = List.of(new PlayedNote(60, 0, 10), new PlayedNote(64, 5, 20),
            new PlayedNote(67, 10, 30));

    @TempDir
    Path dir;

    /** {@link MidiTestEvents#song} as format 0 (one track) or format 1 (three tracks). */
    private static byte[] song(int format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MidiSystem.write(MidiTestEvents.song(format == 0), format, out);
        return out.toByteArray();
    }

    /** A chunk: 4-letter type, 32-bit big-endian length, body. */
    private static byte[] chunk(String type, byte[] body) {
        return ByteBuffer.allocate(8 + body.length).put(type.getBytes(StandardCharsets.US_ASCII)).putInt(body.length)
                .put(body).array();
    }

    /** A format-0 file of one hand-written track body, 96 ticks per quarter. */
    private static byte[] oneTrack(int... body) {
        byte[] b = new byte[body.length];
        for (int i = 0; i < body.length; i++) {
            b[i] = (byte) body[i];
        }
        return concat(chunk("MThd", new byte[] {0, 0, 0, 1, 0, 96}), chunk("MTrk", b));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Offsets of the chunks after the 14-byte header, in file order. */
    private static List<Integer> chunkOffsets(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        List<Integer> at = new java.util.ArrayList<>();
        for (int p = 14; p + 8 <= file.length; p += 8 + b.getInt(p + 4)) {
            at.add(p);
        }
        return at;
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private String failure(Path file) {
        String message = assertThrows(BadInputException.class, () -> MidiNotes.read(file)).getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertFalse(message.contains("null"), message);
        return message;
    }

    @Test
    void wholeFormat0And1FilesReadTheSongWithUnknownChunksAndALongerHeaderSkipped() throws Exception {
        for (int format : new int[] {0, 1}) {
            byte[] plain = song(format);
            assertEquals(SONG, MidiNotes.read(file("plain" + format + ".mid", plain)).notes(), "format " + format);
            assertEquals(new MidiFileStructure(format, format == 0 ? 1 : 3, 480),
                    MidiFileStructure.check(dir.resolve("plain" + format + ".mid")));

            // MThd of 8 bytes (2 unknown), an unknown chunk before, between and after the tracks, and zero padding
            byte[] header = Arrays.copyOfRange(plain, 8, 14);
            int firstEnd = 14 + 8 + ByteBuffer.wrap(plain).getInt(18);
            byte[] extended = concat(chunk("MThd", concat(header, new byte[] {7, 7})), chunk("XFIH", new byte[5]),
                    Arrays.copyOfRange(plain, 14, firstEnd), chunk("Xtra", "hello".getBytes(StandardCharsets.US_ASCII)),
                    Arrays.copyOfRange(plain, firstEnd, plain.length), chunk("ZZZZ", new byte[0]), new byte[3]);
            assertEquals(SONG, MidiNotes.read(file("extended" + format + ".mid", extended)).notes(),
                    "format " + format);
        }
    }

    @Test
    void aFormat1FileCutOneByteShortNamesItsLastTrack() throws Exception {
        byte[] whole = song(1);
        int last = chunkOffsets(whole).get(2);
        int declared = ByteBuffer.wrap(whole).getInt(last + 4);
        Path cut = file("cut.mid", Arrays.copyOf(whole, whole.length - 1));
        assertEquals(cut + ": truncated: track 3 of 3 declares " + declared + " bytes, " + (declared - 1) + " remain",
                failure(cut));
    }

    @Test
    void aFormat0FileCutShortSaysTruncatedNotNoNotes() throws Exception {
        byte[] whole = song(0);
        for (double share : new double[] {0.8, 0.9, 0.95}) {
            Path cut = file("cut0.mid", Arrays.copyOf(whole, (int) (whole.length * share)));
            assertTrue(failure(cut).startsWith(cut + ": truncated: track 1 of 1 declares "), failure(cut));
        }
    }

    @Test
    void everyCutOfAFormat1FileIsRefusedAsCutShort() throws Exception {
        byte[] whole = song(1);
        for (int n = 0; n < whole.length; n++) {
            String m = failure(file("prefix.mid", Arrays.copyOf(whole, n)));
            boolean named = n == 0 ? m.endsWith("empty file, not a standard MIDI file")
                    : n < 4 ? m.endsWith("not a standard MIDI file (no MThd header)")
                    : m.contains("truncated: ") || m.endsWith("(cut short?)");
            assertTrue(named, n + " bytes: " + m);
        }
    }

    @Test
    void aTrackLengthRunningPastTheEndIsNamed() throws Exception {
        byte[] bytes = song(1);
        int second = chunkOffsets(bytes).get(1);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int declared = b.getInt(second + 4) + 10_000;
        b.putInt(second + 4, declared);
        Path f = file("long.mid", bytes);
        assertEquals(f + ": truncated: track 2 of 3 declares " + declared + " bytes, " + (bytes.length - second - 8)
                + " remain", failure(f));
    }

    @Test
    void aHeaderCountingFewerOrMoreTracksThanTheFileHoldsIsRefused() throws Exception {
        byte[] fewer = song(1);
        fewer[11] = 2;
        Path f = file("fewer.mid", fewer);
        assertEquals(f + ": header says 2 tracks, the file holds 3 (readers would drop the extra ones)", failure(f));
        byte[] more = song(1);
        more[11] = 4;
        Path m = file("more.mid", more);
        assertEquals(m + ": header says 4 tracks, the file holds 3 (cut short?)", failure(m));
    }

    @Test
    void format2IsNamedAsUnsupported() throws Exception {
        byte[] bytes = song(1);
        bytes[9] = 2;   // three independent sequences: a valid format-2 file
        Path f = file("f2.mid", bytes);
        assertEquals(f + ": format 2 (independent sequences) is not supported; formats 0 and 1 are", failure(f));
    }

    @Test
    void emptyShortAndForeignFilesSayWhatTheyAre() throws Exception {
        Path empty = file("empty.mid", new byte[0]);
        assertEquals(empty + ": empty file, not a standard MIDI file", failure(empty));
        Path ten = file("ten.mid", Arrays.copyOf(song(1), 10));
        assertEquals(ten + ": truncated: the MThd header needs 14 bytes, the file has 10", failure(ten));
        Path riff = file("song.rmi", concat("RIFF".getBytes(StandardCharsets.US_ASCII), new byte[4],
                "RMID".getBytes(StandardCharsets.US_ASCII), chunk("data", song(0))));
        assertTrue(failure(riff).contains("RIFF (RMID) MIDI file, which is not supported"), failure(riff));
        byte[] shortHeader = chunk("MThd", new byte[] {0, 0, 0, 1, 0, 96, 0, 0});
        ByteBuffer.wrap(shortHeader).putInt(4, 4);
        Path four = file("four.mid", shortHeader);
        assertEquals(four + ": MThd header length 4, at least 6", failure(four));
    }

    @Test
    void aTrackCutMidEventIsRefusedEvenWhenItsLengthAgrees() throws Exception {
        // note-on, a quarter, note-off missing its velocity byte: the chunk's declared 7 bytes are all there
        Path cut = file("midevent.mid", oneTrack(0x00, 0x90, 0x3c, 0x40, 0x60, 0x80, 0x3c));
        assertEquals(cut + ": track 1 of 1: the event at byte 4 runs past the end of its 7-byte chunk (cut short?)",
                failure(cut));
        // the same track whole, ended by End of Track, reads one note of a quarter: 0.5 s at 120 bpm, 12.5 frames, which
        // rounds half to even
        Path whole = file("whole.mid", oneTrack(0x00, 0x90, 0x3c, 0x40, 0x60, 0x80, 0x3c, 0x00, 0x00, 0xff, 0x2f,
                0x00));
        assertEquals(List.of(new PlayedNote(60, 0, 12)), MidiNotes.read(whole).notes());
        Path metaCut = file("meta.mid", oneTrack(0x00, 0x90, 0x3c, 0x40, 0x60, 0xff, 0x51, 0x03, 0x07));
        assertTrue(failure(metaCut).endsWith(": track 1 of 1: the event at byte 4 runs past the end of its 9-byte"
                + " chunk (cut short?)"), failure(metaCut));
    }

    @Test
    void aRestLongerThanItsChunkIsADeltaTimeNotACut() throws Exception {
        // mido writes a pedal release 18240 ticks after the last note: a 3-byte delta time whose value is far larger
        // than the 15-byte chunk (an earlier check bounded every variable-length number by the chunk and refused it)
        Path rest = file("rest.mid", oneTrack(0x00, 0x90, 0x3c, 0x40, 0x60, 0x80, 0x3c, 0x00, 0x81, 0x8e, 0x40, 0xb0,
                0x40, 0x00, 0x00, 0xff, 0x2f, 0x00));
        assertEquals(List.of(new PlayedNote(60, 0, 12)), MidiNotes.read(rest).notes());
        Path fiveBytes = file("vlq.mid", oneTrack(0x81, 0x81, 0x81, 0x81, 0x01, 0x90, 0x3c, 0x40, 0x00, 0xff, 0x2f,
                0x00));
        assertEquals(fiveBytes + ": track 1 of 1: the event at byte 0 has a variable-length number of more than 4 bytes,"
                + " which no MIDI file holds", failure(fiveBytes));
    }

    @Test
    void aDataByteWithNoStatusAndASystemStatusAreNamed() throws Exception {
        Path noStatus = file("nostatus.mid", oneTrack(0x00, 0x3c, 0x40, 0x00, 0xff, 0x2f, 0x00));
        assertEquals(noStatus + ": track 1 of 1: data byte 0x3c at byte 0 of its chunk has no status byte before it",
                failure(noStatus));
        Path system = file("system.mid", oneTrack(0x00, 0xf3, 0x01, 0x00, 0xff, 0x2f, 0x00));
        assertEquals(system + ": track 1 of 1: status byte 0xf3 at byte 0 of its chunk is not a MIDI file event",
                failure(system));
    }

    @Test
    void runningStatusAcrossAMetaEventIsNamedNotInvalidMidiFile() throws Exception {
        // note-on, a text meta event, then "3c 00" with no status byte: the SMF spec cancels running status at a meta
        // event, and javax.sound.midi failed with only "cannot read: invalid MIDI file"
        Path f = file("acrossmeta.mid", oneTrack(0x00, 0x90, 0x3c, 0x64, 0x00, 0xff, 0x01, 0x01, 0x78, 0x60, 0x3c,
                0x00, 0x00, 0xff, 0x2f, 0x00));
        assertEquals(f + ": track 1 of 1: data byte 0x3c at byte 9 of its chunk leans on running status across a meta"
                + " event, which the MIDI file standard cancels (the writer left out the status byte)", failure(f));
        // restated after the meta event, the same note reads: 0.5 s, 12.5 frames, half to even
        Path restated = file("restated.mid", oneTrack(0x00, 0x90, 0x3c, 0x64, 0x00, 0xff, 0x01, 0x01, 0x78, 0x60,
                0x90, 0x3c, 0x00, 0x00, 0xff, 0x2f, 0x00));
        assertEquals(List.of(new PlayedNote(60, 0, 12)), MidiNotes.read(restated).notes());
    }

    @Test
    void filesMidoWritesReadWithRunningStatusVelocityZeroOffsAndASysexBetween() throws Exception {
        // mido 1.3 MidiFile(type=0, ticks_per_beat=480): set_tempo 500000, C4 E4 G4 on at 0 (running status after the
        // first), note_on velocity 0 for each a quarter later (running status again), end of track; byte for byte
        byte[] mido = {0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, (byte) 0xe0, 0x4d, 0x54, 0x72, 0x6b, 0, 0,
                0, 0x1f, 0x00, (byte) 0xff, 0x51, 0x03, 0x07, (byte) 0xa1, 0x20, 0x00, (byte) 0x90, 0x3c, 0x5a, 0x00,
                0x40, 0x5a, 0x00, 0x43, 0x5a, (byte) 0x83, 0x60, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x00, 0x43, 0x00, 0x00,
                (byte) 0xff, 0x2f, 0x00};
        assertEquals(List.of(new PlayedNote(60, 0, 12), new PlayedNote(64, 0, 12), new PlayedNote(67, 0, 12)),
                MidiNotes.read(file("mido.mid", mido)).notes());
        // a sysex does not cancel running status for javax.sound.midi, nor for us: the note-off after it reads
        Path sysex = file("sysex.mid", oneTrack(0x00, 0x90, 0x3c, 0x64, 0x00, 0xf0, 0x03, 0x7e, 0x7f, 0xf7, 0x60,
                0x3c, 0x00, 0x00, 0xff, 0x2f, 0x00));
        assertEquals(List.of(new PlayedNote(60, 0, 12)), MidiNotes.read(sysex).notes());
    }
}
