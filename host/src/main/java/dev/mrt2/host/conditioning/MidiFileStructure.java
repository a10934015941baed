package dev.mrt2.host.conditioning;

import dev.mrt2.io.BadInputException;
import dev.mrt2.io.OsReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The chunk layout of a Standard MIDI File, checked from its bytes before javax.sound.midi reads it: that reader stops
 * quietly at a cut track, ignores tracks beyond the header's count and fails with no words on an empty file, so a
 * damaged file would lose notes without a word. Layout: an {@code MThd} chunk (length 6 or more: format, track count,
 * division), then chunks of a 4-byte ASCII type and a 32-bit big-endian length; {@code MTrk} chunks are the tracks,
 * other types are skipped as the SMF spec asks. Every track's events must end inside its chunk
 * ({@link MidiTrackEvents}), and the file must hold exactly the tracks its header counts. Bytes after the last counted
 * track that are not a whole chunk (padding some writers add) are ignored: no reader takes notes from them.
 *
 * @param format   0 (one track) or 1 (parallel tracks)
 * @param tracks   track chunks, as the header counts them
 * @param division ticks per quarter note, or an SMPTE rate and ticks per frame (the high bit set)
 */
record MidiFileStructure(int format, int tracks, int division) {
    private static final int HEADER_BYTES = 14;
    private static final int CHUNK_HEADER = 8;

    /** Checks {@code file} (a regular file); a damaged one is a {@link BadInputException} saying what is wrong. */
    static MidiFileStructure check(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return check(file.toString(), channel);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + OsReason.of(e), e);
        }
    }

    private static MidiFileStructure check(String source, FileChannel in) throws IOException {
        long size = in.size();
        if (size == 0) {
            throw bad(source, "empty file, not a standard MIDI file");
        }
        ByteBuffer head = read(in, 0, (int) Math.min(size, HEADER_BYTES));
        String magic = type(head, 0);
        if (magic.equals("RIFF")) {
            throw bad(source, "a RIFF (RMID) MIDI file, which is not supported: save it as a standard MIDI file"
                    + " (its 'data' chunk)");
        }
        if (!magic.equals("MThd")) {
            throw bad(source, "not a standard MIDI file (no MThd header)");
        }
        if (size < HEADER_BYTES) {
            throw bad(source, "truncated: the MThd header needs " + HEADER_BYTES + " bytes, the file has " + size);
        }
        long headerLength = head.getInt(4) & 0xffffffffL;
        if (headerLength < 6) {
            throw bad(source, "MThd header length " + headerLength + ", at least 6");
        }
        if (headerLength > size - CHUNK_HEADER) {
            throw bad(source, "truncated: the MThd header declares " + headerLength + " bytes, "
                    + (size - CHUNK_HEADER) + " remain");
        }
        MidiFileStructure header = new MidiFileStructure(head.getShort(8) & 0xffff, head.getShort(10) & 0xffff,
                head.getShort(12) & 0xffff);
        header.checkFormatAndDivision(source);
        int found = header.walkChunks(source, in, CHUNK_HEADER + headerLength, size);
        if (found != header.tracks) {
            throw bad(source, "header says " + header.tracks + " track" + (header.tracks == 1 ? "" : "s")
                    + ", the file holds " + found + (found < header.tracks ? " (cut short?)"
                    : " (readers would drop the extra ones)"));
        }
        return header;
    }

    private void checkFormatAndDivision(String source) {
        if (format == 2) {
            throw bad(source, "format 2 (independent sequences) is not supported; formats 0 and 1 are");
        }
        if (format > 2) {
            throw bad(source, "unknown MIDI file format " + format + " (formats 0 and 1 are supported)");
        }
        if ((division & 0x8000) == 0) {
            if (division == 0) {
                throw bad(source, "header division is 0 ticks per quarter note");
            }
            return;
        }
        int framesPerSecond = -(byte) (division >> 8);
        if (framesPerSecond != 24 && framesPerSecond != 25 && framesPerSecond != 29 && framesPerSecond != 30) {
            throw bad(source, "header division has SMPTE rate " + framesPerSecond
                    + " frames per second (24, 25, 29 or 30)");
        }
        if ((division & 0xff) == 0) {
            throw bad(source, "header division is 0 ticks per SMPTE frame");
        }
    }

    /** Walks the chunks from {@code at} to the end, checking every track; returns how many tracks there are. */
    private int walkChunks(String source, FileChannel in, long at, long size) throws IOException {
        int found = 0;
        while (at < size) {
            long remain = size - at;
            boolean tracksToCome = found < tracks;
            if (remain < CHUNK_HEADER) {
                if (tracksToCome) {
                    throw bad(source, "truncated: " + remain + " byte(s) after track " + found + " of " + tracks
                            + ", too few for the next chunk header");
                }
                break;
            }
            ByteBuffer chunk = read(in, at, CHUNK_HEADER);
            String type = type(chunk, 0);
            long length = chunk.getInt(4) & 0xffffffffL;
            long body = remain - CHUNK_HEADER;
            if (type.equals("MTrk")) {
                found++;
                if (length > body) {
                    throw bad(source, "truncated: track " + found + " of " + tracks + " declares " + length
                            + " bytes, " + body + " remain");
                }
                if (length > Integer.MAX_VALUE - 8) {
                    throw bad(source, "track " + found + " of " + tracks + " declares " + length
                            + " bytes, more than any MIDI reader takes");
                }
                MidiTrackEvents.check(source, found, tracks, read(in, at + CHUNK_HEADER, (int) length));
            } else if (!isChunkType(chunk)) {
                if (tracksToCome) {
                    throw bad(source, "no chunk at byte " + at + " (after track " + found + " of " + tracks
                            + "): a 4-letter chunk type was expected, the file is damaged");
                }
                break;
            } else if (length > body) {
                if (tracksToCome) {
                    throw bad(source, "truncated: chunk '" + type + "' at byte " + at + " declares " + length
                            + " bytes, " + body + " remain");
                }
                break;
            }
            at += CHUNK_HEADER + length;
        }
        return found;
    }

    /** The SMF spec's chunk types are four ASCII characters; anything else means we are not at a chunk. */
    private static boolean isChunkType(ByteBuffer chunk) {
        for (int i = 0; i < 4; i++) {
            int c = chunk.get(i) & 0xff;
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static String type(ByteBuffer b, int at) {
        byte[] t = new byte[Math.min(4, b.limit() - at)];
        b.get(at, t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    /** Exactly {@code n} bytes from {@code at}, which the caller has checked lie inside the file. */
    private static ByteBuffer read(FileChannel in, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (in.read(b, at + b.position()) < 0) {
                throw new IOException("the file shrank while it was read");
            }
        }
        return b.flip();
    }

    private static BadInputException bad(String source, String problem) {
        return new BadInputException(source + ": " + problem);
    }
}
