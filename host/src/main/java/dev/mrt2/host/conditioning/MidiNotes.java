package dev.mrt2.host.conditioning;

import dev.mrt2.io.BadInputException;
import dev.mrt2.io.OsReason;
import dev.mrt2.model.Mrt2Constants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/**
 * The notes of a standard MIDI file on the 25 Hz frame grid. Ticks become seconds through the file's tempo map
 * (PPQ division with set-tempo events, default 120 bpm; or SMPTE division); a note sounds in frames
 * {@code [rint(on * 25), rint(off * 25))}, at least one frame. Note-on with velocity 0 is a note-off; overlapping
 * notes of one pitch and channel end first-in, first-out; a note never released ends with the file. Channel 10 (General
 * MIDI percussion) holds drum hits, not pitches, so it is left out of the piano roll and counted. Formats 0 and 1 are
 * read, once {@link MidiFileStructure} has found the file's chunks whole.
 *
 * @param notes               every note, sorted by start frame, then pitch
 * @param frames              frames until the last note ends
 * @param percussionNotesSkipped notes on channel 10 left out
 */
public record MidiNotes(List<PlayedNote> notes, int frames, int percussionNotesSkipped) {
    static final int PERCUSSION_CHANNEL = 9;
    private static final int SET_TEMPO = 0x51;
    private static final double DEFAULT_MICROS_PER_QUARTER = 500_000;

    public MidiNotes {
        notes = List.copyOf(notes);
    }

    public static MidiNotes read(Path file) {
        if (Files.isDirectory(file)) {
            throw new BadInputException(file + ": is a directory, not a MIDI file");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no such file");
        }
        // javax.sound.midi passes over cut or miscounted tracks without a word; the layout is checked first
        MidiFileStructure.check(file);
        Sequence sequence;
        try {
            sequence = MidiSystem.getSequence(file.toFile());
        } catch (InvalidMidiDataException e) {
            throw new BadInputException(file + ": not a standard MIDI file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + OsReason.of(e), e);
        }
        return of(sequence, file.toString());
    }

    /** The notes of an in-memory sequence; {@code source} names it in errors. */
    public static MidiNotes of(Sequence sequence, String source) {
        TempoMap tempo = TempoMap.of(sequence);
        List<double[]> spans = new ArrayList<>();   // {pitch, on seconds, off seconds}
        int percussion = 0;
        long endTick = sequence.getTickLength();
        for (Track track : sequence.getTracks()) {
            Map<Integer, Deque<Long>> open = new HashMap<>();
            for (int i = 0; i < track.size(); i++) {
                MidiEvent event = track.get(i);
                if (!(event.getMessage() instanceof ShortMessage m)) {
                    continue;
                }
                boolean on = m.getCommand() == ShortMessage.NOTE_ON && m.getData2() > 0;
                boolean off = m.getCommand() == ShortMessage.NOTE_OFF
                        || (m.getCommand() == ShortMessage.NOTE_ON && m.getData2() == 0);
                if (!on && !off) {
                    continue;
                }
                if (m.getChannel() == PERCUSSION_CHANNEL) {
                    percussion += on ? 1 : 0;
                    continue;
                }
                int key = m.getChannel() * 128 + m.getData1();
                if (on) {
                    open.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(event.getTick());
                } else {
                    Deque<Long> starts = open.get(key);
                    if (starts != null && !starts.isEmpty()) {
                        spans.add(span(m.getData1(), starts.removeFirst(), event.getTick(), tempo));
                    }
                }
            }
            for (Map.Entry<Integer, Deque<Long>> e : new TreeMap<>(open).entrySet()) {
                for (long start : e.getValue()) {
                    spans.add(span(e.getKey() % 128, start, endTick, tempo));
                }
            }
        }
        List<PlayedNote> notes = new ArrayList<>();
        int frames = 0;
        for (double[] s : spans) {
            int start = frame(s[1]);
            int end = Math.max(start + 1, frame(s[2]));
            notes.add(new PlayedNote((int) s[0], start, end));
            frames = Math.max(frames, end);
        }
        notes.sort(Comparator.comparingInt(PlayedNote::startFrame).thenComparingInt(PlayedNote::pitch)
                .thenComparingInt(PlayedNote::endFrame));
        if (notes.isEmpty()) {
            throw new BadInputException(source + ": no notes (outside the percussion channel 10)");
        }
        return new MidiNotes(notes, frames, percussion);
    }

    /** Distinct pitches played, ascending. */
    public List<Integer> pitches() {
        return notes.stream().map(PlayedNote::pitch).distinct().sorted().toList();
    }

    private static double[] span(int pitch, long on, long off, TempoMap tempo) {
        return new double[] {pitch, tempo.seconds(on), tempo.seconds(off)};
    }

    /** Nearest frame, ties to even, in double. */
    static int frame(double seconds) {
        return (int) Math.rint(seconds * Mrt2Constants.FRAME_RATE);
    }

    /** Tick to seconds: piecewise linear between set-tempo events (PPQ), or a fixed rate (SMPTE). */
    private record TempoMap(double divisionType, int resolution, long[] ticks, double[] microsPerQuarter) {
        static TempoMap of(Sequence s) {
            TreeMap<Long, Double> changes = new TreeMap<>();
            for (Track track : s.getTracks()) {
                for (int i = 0; i < track.size(); i++) {
                    MidiEvent e = track.get(i);
                    if (e.getMessage() instanceof MetaMessage m && m.getType() == SET_TEMPO && m.getData().length == 3) {
                        byte[] d = m.getData();
                        changes.put(e.getTick(), (double) (((d[0] & 0xff) << 16) | ((d[1] & 0xff) << 8) | (d[2] & 0xff)));
                    }
                }
            }
            changes.putIfAbsent(0L, DEFAULT_MICROS_PER_QUARTER);
            long[] ticks = changes.keySet().stream().mapToLong(Long::longValue).toArray();
            double[] micros = changes.values().stream().mapToDouble(Double::doubleValue).toArray();
            return new TempoMap(s.getDivisionType(), s.getResolution(), ticks, micros);
        }

        double seconds(long tick) {
            if (divisionType != Sequence.PPQ) {
                return tick / (divisionType * resolution);
            }
            double micros = 0;
            for (int i = 0; i < ticks.length && ticks[i] < tick; i++) {
                long until = i + 1 < ticks.length ? Math.min(ticks[i + 1], tick) : tick;
                micros += (until - ticks[i]) * microsPerQuarter[i] / resolution;
            }
            return micros / 1e6;
        }
    }
}
