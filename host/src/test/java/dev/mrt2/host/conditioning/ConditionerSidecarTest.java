package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** What the sidecar says of a MIDI file whose frames are all alike (they are written as one row). */
class ConditionerSidecarTest {
    @Test
    void aMidiFileOfEqualFramesIsOneRowButTheSidecarKeepsItsLength() {
        // one chord held for 13 frames; with auto-strum its onset is "model decides", so every frame is the same
        MidiNotes held = new MidiNotes(List.of(new PlayedNote(60, 0, 13), new PlayedNote(64, 0, 13)), 13, 0);
        ConditioningSpec spec = new ConditioningSpec(null, ConditioningLayout.STYLE_LEVELS, null, held, OnsetMode.AUTO,
                0, ConditioningLayout.MASKED, CfgGuidance.ofScales(3.0, 1.0, 1.0), 0.8, 0);
        List<ConditioningTokens> tokens = spec.tokenFrames();
        assertEquals(1, tokens.size(), "equal frames are one row");
        SortedMap<String, Object> sidecar = Conditioner.sidecar(spec, tokens, 16, Path.of("c.bin"), "tiny", "00");
        assertEquals(List.of(1, 16), sidecar.get("shape"));
        Map<?, ?> midi = (Map<?, ?>) ((Map<?, ?>) sidecar.get("mrt2")).get("midi");
        assertEquals(13, midi.get("frames"), "the file's length, not the row count");
        assertEquals(1.3, sidecar.get("intensity_gain"), "the float's own digits, not 1.2999999523162842");

        ConditioningSpec longer = new ConditioningSpec(null, ConditioningLayout.STYLE_LEVELS, null, held,
                OnsetMode.AUTO, 0, ConditioningLayout.MASKED, CfgGuidance.ofScales(3.0, 1.0, 1.0), 0.5, 50);
        Map<?, ?> longerMidi = (Map<?, ?>) ((Map<?, ?>) Conditioner.sidecar(longer, longer.tokenFrames(), 16,
                Path.of("c.bin"), "tiny", "00").get("mrt2")).get("midi");
        assertEquals(50, longerMidi.get("frames"), "--seconds sets the length");
    }
}
