package dev.mrt2.host.conditioning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything {@code mrt2 condition} turns into tokens: style, notes (constant or from MIDI), drums, guidance and the
 * intensity knob. Absent signals are masked (§15.3).
 *
 * @param style         12 MusicCoCa tokens (0..1023, -1 masked), or null for no style
 * @param styleLevels   levels kept (12: Google's Python system and the port; 6: Google's C++ engine, which masks
 *                      levels 6..11, §15.5)
 * @param notes         constant pitch states ({@code --notes}), or null
 * @param midi          notes from a MIDI file, or null
 * @param onsets        how MIDI notes become states
 * @param unmaskWidth   pitches within this many semitones of a sounding note are written "off" (§15.4)
 * @param drum          drum token: -1 masked, 0 no drums, 1 drums
 * @param cfg           guidance tokens
 * @param intensity     the port's intensity knob, gain {@code 0.5 + clamp(i, 0, 1)} (§15.7)
 * @param frames        MIDI conditioning length in 25 Hz frames, or 0 for the MIDI file's length
 */
public record ConditioningSpec(int[] style, int styleLevels, Map<Integer, NoteState> notes, MidiNotes midi,
                               OnsetMode onsets, int unmaskWidth, int drum, CfgGuidance cfg, double intensity,
                               int frames) {
    public ConditioningSpec {
        if (notes != null && midi != null) {
            throw new IllegalArgumentException("--notes and --midi exclude each other");
        }
        if (styleLevels < 0 || styleLevels > ConditioningLayout.STYLE_LEVELS) {
            throw new IllegalArgumentException("--style-levels " + styleLevels + " outside 0.."
                    + ConditioningLayout.STYLE_LEVELS);
        }
        if (unmaskWidth < 0) {
            throw new IllegalArgumentException("--unmask-width " + unmaskWidth + " is negative");
        }
        if (Double.isNaN(intensity)) {
            throw new IllegalArgumentException("--intensity: not a number");
        }
        if (frames < 0) {
            throw new IllegalArgumentException("conditioning length " + frames + " frames is negative");
        }
        style = style == null ? null : style.clone();
        notes = notes == null ? null : new TreeMap<>(notes);
    }

    /** §15.7: {@code 0.5 + clamp(intensity, 0, 1)}. */
    public float intensityGain() {
        return (float) (0.5 + Math.min(Math.max(intensity, 0), 1));
    }

    /** The style tokens written: the given ones with levels at and above {@code styleLevels} masked. */
    public int[] styleTokens() {
        int[] out = new int[ConditioningLayout.STYLE_LEVELS];
        Arrays.fill(out, ConditioningLayout.MASKED);
        if (style != null) {
            System.arraycopy(style, 0, out, 0, styleLevels);
        }
        return out;
    }

    /**
     * The tokens of every frame; constant controls (no MIDI, or a MIDI roll that never changes) give one frame, as
     * the encoder is stateless per frame.
     */
    /** With MIDI: the frames it conditions, {@code --seconds}' or until the last note ends; 0 without MIDI. */
    public int midiFrames() {
        return midi == null ? 0 : frames > 0 ? frames : midi.frames();
    }

    public List<ConditioningTokens> tokenFrames() {
        int[] styleTokens = styleTokens();
        List<int[]> rolls = new ArrayList<>();
        if (midi != null) {
            rolls.addAll(Arrays.asList(NoteRoll.frames(midi.notes(), midiFrames(), onsets, unmaskWidth)));
        } else {
            rolls.add(notes == null ? NoteRoll.masked() : NoteRoll.constant(notes, unmaskWidth));
        }
        List<ConditioningTokens> out = new ArrayList<>(rolls.size());
        for (int[] roll : rolls) {
            out.add(ConditioningTokens.of(styleTokens, roll, drum, cfg));
        }
        return out.stream().distinct().count() == 1 ? List.of(out.get(0)) : out;
    }
}
