package dev.mrt2.host.conditioning;

import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code mrt2 condition}: tokens from the controls, {@code source_encoded} rows from the checkpoint's encoder, and the
 * file pair in the port's format. Deterministic: the sidecar holds file names, never paths or times.
 */
public final class Conditioner {
    /** Written into {@code created_by}. */
    public static final String CREATED_BY = "mrt2 condition 0.1.0";
    static final String CONTRACT = "in-process MRT2 sampler block: 12 style + 128 notes + 1 drum + 3 cfg tokens, "
            + "offset by 7";
    static final List<String> KNOWN_LIMITS = List.of(
            "Style comes as MusicCoCa tokens: a text prompt needs MusicCoCa, which is not in the MRT2 checkpoint.",
            "Guidance is baked into the CFG tokens only; Google's engine also applies logit guidance with two negative"
                    + " batches, which packages without negative batches do not reproduce.",
            "Encoded in float32 (Google's engines run the encoder in bfloat16).");

    /**
     * @param rows      {@code [F][S]} source_encoded rows
     * @param tokens    the raw tokens of each row
     * @param sidecar   the JSON sidecar's content (without {@code sha256}, which {@link ConditioningFile} adds)
     */
    public record Result(float[][] rows, List<ConditioningTokens> tokens, SortedMap<String, Object> sidecar) {}

    private Conditioner() {}

    /** Encodes {@code spec} with the checkpoint's tables; {@code bin} names the output in the sidecar. */
    public static Result encode(SafetensorsFile checkpoint, ConditioningSpec spec, Path bin) {
        ConditioningEncoder encoder = ConditioningEncoder.load(checkpoint);
        List<ConditioningTokens> tokens = spec.tokenFrames();
        float[][] rows = new float[tokens.size()][];
        for (int f = 0; f < rows.length; f++) {
            rows[f] = encoder.encode(tokens.get(f), spec.intensityGain());
        }
        return new Result(rows, tokens, sidecar(spec, tokens, rows[0].length, bin,
                checkpoint.path().getFileName().toString(), tablesSha256(checkpoint)));
    }

    /** The port's fields (§7) with our values, plus {@code mrt2}: what this tool adds. */
    static SortedMap<String, Object> sidecar(ConditioningSpec spec, List<ConditioningTokens> tokens, int width,
                                             Path bin, String checkpoint, String tablesSha) {
        SortedMap<String, Object> m = new TreeMap<>();
        m.put("schema", ConditioningFile.SCHEMA);
        m.put("created_by", CREATED_BY);
        m.put("source_commit", null);
        m.put("prompt", null);
        m.put("prompt_surface", List.of());
        m.put("model", "mrt2_small");
        m.put("style_tokens", toList(spec.styleTokens()));
        boolean constant = spec.midi() == null;
        List<Integer> pitches = constant
                ? (spec.notes() == null ? List.of() : spec.notes().entrySet().stream()
                        .filter(e -> e.getValue().sounding()).map(Map.Entry::getKey).toList())
                : spec.midi().pitches();
        m.put("midi_notes", pitches);
        Map<String, String> states = new TreeMap<>();
        if (spec.notes() != null) {
            spec.notes().forEach((p, s) -> states.put(Integer.toString(p), s.label()));
        }
        m.put("midi_note_states", states);
        List<Object> noteTokens = new ArrayList<>();
        for (ConditioningTokens t : tokens) {
            noteTokens.add(toList(java.util.Arrays.copyOfRange(t.raw(), ConditioningLayout.STYLE_LEVELS,
                    ConditioningLayout.STYLE_LEVELS + ConditioningLayout.PITCHES)));
        }
        // one row: the port's flat [128]; several: one [128] per row, as conditioning_tokens_shape says
        m.put("note_tokens", noteTokens.size() == 1 ? noteTokens.get(0) : noteTokens);
        m.put("pitch_mask_width", spec.unmaskWidth());
        m.put("auto_strum", spec.onsets() == OnsetMode.AUTO);
        m.put("note_state", "sustain");   // the port's state for bare pitches without auto-strum
        int drum = spec.drum();
        m.put("drums_enabled", drum < 0 ? null : drum == 1);
        m.put("drum_tokens", List.of(drum));
        m.put("conditioning_tokens_shape", List.of(1, tokens.size(), ConditioningLayout.TOKENS));
        m.put("conditioning_contract", CONTRACT);
        m.put("shape", List.of(tokens.size(), width));
        m.put("dtype", ConditioningFile.DTYPE);
        // the model's sampling defaults, as the port records them; mrt2 render takes its own --temperature and --seed
        m.put("temperature", 1.3);
        m.put("top_k", 40);
        m.put("seed", null);
        CfgGuidance cfg = spec.cfg();
        m.put("cfg_musiccoca", cfg.styleScale());
        m.put("cfg_notes", cfg.notesScale());
        m.put("cfg_drums", cfg.drumsScale());
        m.put("cfg_tokens", List.of(cfg.styleToken(), cfg.notesToken(), cfg.drumsToken()));
        m.put("intensity", spec.intensity());
        m.put("intensity_gain", Double.parseDouble(Float.toString(spec.intensityGain())));   // 1.3, not 1.2999999523
        m.put("load_seconds", null);      // timings would make equal runs differ
        m.put("compile_seconds", null);
        Map<String, Object> artifacts = new TreeMap<>();
        artifacts.put("bin", bin.getFileName().toString());
        artifacts.put("json", ConditioningFile.sidecarOf(bin).getFileName().toString());
        m.put("artifacts", artifacts);
        Map<String, Object> assets = new TreeMap<>();
        assets.put("checkpoints_dir", null);
        assets.put("models_dir", null);
        m.put("assets", assets);
        m.put("known_limits", KNOWN_LIMITS);
        Map<String, Object> ours = new TreeMap<>();
        ours.put("checkpoint", checkpoint);
        ours.put("encoder_tables_sha256", tablesSha);
        ours.put("cfg_rounding", "round half to even in double (Google's Python discretize_cfg)");
        ours.put("onset_mode", spec.onsets() == OnsetMode.AUTO ? "auto (0, auto-strum)" : "exact (1)");
        ours.put("style_levels", spec.styleLevels());
        ours.put("frame_rate", dev.mrt2.model.Mrt2Constants.FRAME_RATE);
        ours.put("row_rule", "frame s of a render uses row min(s, rows - 1)");
        if (spec.midi() != null) {
            Map<String, Object> midi = new LinkedHashMap<>();
            midi.put("notes", spec.midi().notes().size());
            midi.put("frames", spec.midiFrames());   // rows may be fewer: equal frames are written as one row
            midi.put("percussion_notes_skipped", spec.midi().percussionNotesSkipped());
            ours.put("midi", new TreeMap<>(midi));
        }
        m.put("mrt2", ours);
        return m;
    }

    /** SHA-256 over the five encoder tensors' bytes in {@link ConditioningEncoder#KEYS} order. */
    static String tablesSha256(SafetensorsFile checkpoint) {
        MessageDigest md = Digests.newSha256();
        for (String key : ConditioningEncoder.KEYS) {
            ByteBuffer data = checkpoint.data(key);
            md.update(data.duplicate());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static List<Integer> toList(int[] v) {
        List<Integer> out = new ArrayList<>(v.length);
        for (int x : v) {
            out.add(x);
        }
        return out;
    }
}
