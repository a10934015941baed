package dev.mrt2.host.conditioning;

import dev.mrt2.io.BadInputException;
import java.nio.ByteBuffer;

/**
 * Checks that the events of one {@code MTrk} chunk end inside it, stepping over them as javax.sound.midi will read
 * them: a delta time, then a channel message (with running status, which a meta event cancels), a sysex
 * ({@code F0}/{@code F7}, a length and the bytes) or a meta event ({@code FF}, a type, a length and the bytes), up to
 * the end of the chunk or an End of Track meta event. javax.sound.midi fails on an event cut by its chunk's end with
 * only "invalid MIDI file"; this says which track and where.
 */
final class MidiTrackEvents {
    private static final int META = 0xff;
    private static final int END_OF_TRACK = 0x2f;

    private MidiTrackEvents() {}

    /** {@code body}: the whole chunk after its 8-byte header; {@code track} counts from 1 of {@code tracks}. */
    static void check(String source, int track, int tracks, ByteBuffer body) {
        String where = source + ": track " + track + " of " + tracks;
        int length = body.limit();
        int at = 0;
        int running = 0;
        boolean afterMeta = false;   // whether the last event was a meta event
        while (at < length) {
            int event = at;
            Cursor c = new Cursor(body, where, event);
            c.varLength();   // delta time
            int status = c.unsigned();
            if (status < 0x80) {
                // running status: this byte is the first data byte of another message like the last one
                if (running == 0) {
                    throw new BadInputException(where + ": data byte 0x" + Integer.toHexString(status) + " at byte "
                            + event + " of its chunk has no status byte before it");
                }
                if (afterMeta) {
                    // the SMF spec: a meta event cancels running status; javax.sound.midi then fails with only
                    // "invalid MIDI file" (or "could not get sequence"), which names neither track nor byte
                    throw new BadInputException(where + ": data byte 0x" + Integer.toHexString(status) + " at byte "
                            + event + " of its chunk leans on running status across a meta event, which the MIDI"
                            + " file standard cancels (the writer left out the status byte)");
                }
                c.skip(dataBytes(running) - 1);
            } else if (status < 0xf0) {
                running = status;
                c.skip(dataBytes(status));
            } else if (status == 0xf0 || status == 0xf7) {
                c.skip(c.varLength());
            } else if (status == META) {
                int type = c.unsigned();
                c.skip(c.varLength());
                if (type == END_OF_TRACK) {
                    return;   // javax.sound.midi reads no further
                }
            } else {
                throw new BadInputException(where + ": status byte 0x" + Integer.toHexString(status) + " at byte "
                        + event + " of its chunk is not a MIDI file event");
            }
            at = c.at;
            afterMeta = status == META;
        }
    }

    /** Data bytes after a channel message's status byte. */
    private static int dataBytes(int status) {
        int command = status & 0xf0;
        return command == 0xc0 || command == 0xd0 ? 1 : 2;
    }

    /** Reads forward inside the chunk; stepping past its end names the event that was cut. */
    private static final class Cursor {
        private final ByteBuffer body;
        private final String where;
        private final int event;
        int at;

        Cursor(ByteBuffer body, String where, int event) {
            this.body = body;
            this.where = where;
            this.event = event;
            this.at = event;
        }

        int unsigned() {
            if (at >= body.limit()) {
                throw cut();
            }
            return body.get(at++) & 0xff;
        }

        /**
         * A variable-length quantity: 7 bits a byte, high bit set on all but the last, at most 4 bytes (the SMF spec's
         * limit). Its value is not bounded by the chunk: a delta time is ticks, and a long rest is many of them; a
         * length that runs past the chunk is caught by {@link #skip}.
         */
        long varLength() {
            long value = 0;
            for (int i = 0; i < 4; i++) {
                int b = unsigned();
                value = (value << 7) | (b & 0x7f);
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new BadInputException(where + ": the event at byte " + event + " has a variable-length number of "
                    + "more than 4 bytes, which no MIDI file holds");
        }

        void skip(long n) {
            if (n > body.limit() - at) {
                throw cut();
            }
            at += (int) n;
        }

        private BadInputException cut() {
            return new BadInputException(where + ": the event at byte " + event + " runs past the end of its "
                    + body.limit() + "-byte chunk (cut short?)");
        }
    }
}
