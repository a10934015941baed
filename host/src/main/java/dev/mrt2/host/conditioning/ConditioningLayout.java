package dev.mrt2.host.conditioning;

/**
 * Where each conditioning token lands in the encoder's two tables (mrt2-model.md §7, §15.1). Configuration constants,
 * not checkpoint shapes: the rows are indexed by token values, so they are the same for every model width.
 *
 * <pre>
 * tokens (144): 12 MusicCoCa style | 128 piano-roll notes | 1 drum | CFG style | CFG notes | CFG drums
 * style level l, raw r:   row 1031 l + r + 7 of the MusicCoCa table [12 372, 768]
 * regular channel c, raw r: row off_c + r + 7 of the regular table [1 536 stored, 1 526 used, S]
 *   notes (pitch p): off = 11 p; drum: 1 408; CFG style: 1 417; CFG notes: 1 464; CFG drums: 1 511
 * raw -1 (masked) is valid on every channel and maps to row off + 6
 * </pre>
 */
public final class ConditioningLayout {
    private ConditioningLayout() {}

    /** 6 reserved tokens + 1 dropout token are added to every raw token (§7). */
    public static final int TOKEN_OFFSET = 7;
    /** The masked ("model decides") raw token of every channel. */
    public static final int MASKED = -1;

    public static final int STYLE_LEVELS = 12;
    /** MusicCoCa codes per level (its own codebook, unrelated to the RVQ codebook size). */
    public static final int STYLE_CODES = 1024;
    public static final int STYLE_ROWS_PER_LEVEL = STYLE_CODES + TOKEN_OFFSET;
    public static final int STYLE_ROWS = STYLE_LEVELS * STYLE_ROWS_PER_LEVEL;

    public static final int PITCHES = 128;
    /** Regular-table rows per channel kind: note states -1..3, drum -1..1, CFG bins 0..40 / 0..40 / 0..8. */
    static final int NOTE_ROWS = 11;
    static final int DRUM_ROWS = 9;
    static final int CFG_STYLE_ROWS = 47;
    static final int CFG_NOTES_ROWS = 47;
    static final int CFG_DRUMS_ROWS = 15;

    public static final int DRUM_CHANNEL = PITCHES;
    public static final int CFG_STYLE_CHANNEL = PITCHES + 1;
    public static final int CFG_NOTES_CHANNEL = PITCHES + 2;
    public static final int CFG_DRUMS_CHANNEL = PITCHES + 3;
    /** Channels averaged by the regular branch: 128 notes, drum, 3 CFG. */
    public static final int REGULAR_CHANNELS = PITCHES + 4;
    public static final int TOKENS = STYLE_LEVELS + REGULAR_CHANNELS;
    /** Rows the regular channels use (1 526); the checkpoint stores them rounded up to a multiple of 128. */
    public static final int REGULAR_ROWS_USED = PITCHES * NOTE_ROWS + DRUM_ROWS + CFG_STYLE_ROWS + CFG_NOTES_ROWS
            + CFG_DRUMS_ROWS;

    /** Row of the MusicCoCa table for style level {@code level} with raw token {@code raw} (-1..1023). */
    public static int styleRow(int level, int raw) {
        return STYLE_ROWS_PER_LEVEL * level + raw + TOKEN_OFFSET;
    }

    /** Row of the regular table for channel {@code channel} (0..131) with raw token {@code raw}. */
    public static int regularRow(int channel, int raw) {
        return regularOffset(channel) + raw + TOKEN_OFFSET;
    }

    /** Exclusive cumulative offset of a regular channel (§15: pitch p at 11 p, drum 1 408, CFG 1 417, 1 464, 1 511). */
    static int regularOffset(int channel) {
        if (channel < 0 || channel >= REGULAR_CHANNELS) {
            throw new IllegalArgumentException("regular channel " + channel + " outside 0.." + (REGULAR_CHANNELS - 1));
        }
        if (channel < PITCHES) {
            return NOTE_ROWS * channel;
        }
        int offset = NOTE_ROWS * PITCHES;
        int[] sizes = {DRUM_ROWS, CFG_STYLE_ROWS, CFG_NOTES_ROWS};
        for (int c = PITCHES; c < channel; c++) {
            offset += sizes[c - PITCHES];
        }
        return offset;
    }
}
