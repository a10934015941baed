package dev.mrt2.host.conditioning;

/**
 * One note on the 25 Hz frame grid: sounding in frames {@code [startFrame, endFrame)}.
 *
 * @param pitch MIDI pitch 0..127
 */
public record PlayedNote(int pitch, int startFrame, int endFrame) {
    public PlayedNote {
        if (pitch < 0 || pitch >= ConditioningLayout.PITCHES) {
            throw new IllegalArgumentException("pitch " + pitch + " outside 0..127");
        }
        if (startFrame < 0 || endFrame <= startFrame) {
            throw new IllegalArgumentException("note " + pitch + ": frames [" + startFrame + ", " + endFrame
                    + ") are empty");
        }
    }

    boolean soundsAt(int frame) {
        return frame >= startFrame && frame < endFrame;
    }
}
