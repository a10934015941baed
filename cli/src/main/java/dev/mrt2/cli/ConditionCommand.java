package dev.mrt2.cli;

import dev.mrt2.host.conditioning.CfgGuidance;
import dev.mrt2.host.conditioning.Conditioner;
import dev.mrt2.host.conditioning.ConditioningFile;
import dev.mrt2.host.conditioning.ConditioningLayout;
import dev.mrt2.host.conditioning.ConditioningSpec;
import dev.mrt2.host.conditioning.MidiNotes;
import dev.mrt2.host.conditioning.NoteState;
import dev.mrt2.host.conditioning.NotesOption;
import dev.mrt2.host.conditioning.OnsetMode;
import dev.mrt2.host.conditioning.StyleSidecar;
import dev.mrt2.host.render.Renderer;
import dev.mrt2.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "condition", mixinStandardHelpOptions = true,
        header = "Encode style, notes, drums and guidance into source_encoded with the checkpoint's own encoder.",
        description = {
            "Builds the 144 conditioning tokens per 25 Hz frame (spec 7, 15) and runs the checkpoint's conditioning "
                    + "encoder in float32: [F, 256] little-endian float32 plus a JSON sidecar in the port's "
                    + "mrt2-source-conditioning-v1 schema (keys sorted, no times or paths: same inputs, same bytes). "
                    + "Constant controls give one row; a MIDI file gives one row per frame.",
            "Style is 12 MusicCoCa tokens: a text prompt needs MusicCoCa, which is not in this checkpoint (use "
                    + "--style-tokens, or --style-from with a sidecar the port compiled). Absent signals are masked "
                    + "(the model decides).",
            "Guidance lives in three CFG tokens (style and notes in steps of 0.2, drums in steps of 1.0, rounded half "
                    + "to even in double like Google's Python system); (3.0, 1.0, 1.0) gives tokens (20, 10, 2). "
                    + "Google's shipped engine also applies logit guidance with two negative batches; the Core ML "
                    + "packages have no negative batches and cannot reproduce that part."})
final class ConditionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JsonOption output;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The checkpoint (its encoder tables).")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE.bin",
            description = "The rows (a name ending in .bin); the sidecar goes beside it as FILE.json.")
    Path out;

    @Option(names = "--prompt", paramLabel = "TEXT",
            description = "Not available: a text prompt needs MusicCoCa, which is not in the checkpoint.")
    String prompt;

    @Option(names = "--style-tokens", split = ",", paramLabel = "T",
            description = "12 MusicCoCa tokens 0..1023 (-1 masks a level), comma-separated.")
    List<Integer> styleTokens;

    @Option(names = "--style-from", paramLabel = "FILE.json",
            description = "Take the style tokens from a conditioning sidecar (its style_tokens).")
    Path styleFrom;

    @Option(names = "--style-levels", defaultValue = "12", paramLabel = "N",
            description = "MusicCoCa levels kept: 12 (Google's Python system and the port, default) or 6 (Google's "
                    + "C++ engine masks levels 6..11).")
    int styleLevels;

    @Option(names = "--notes", paramLabel = "SPEC",
            description = "Constant notes: pitches (60 or C4), each optionally :off, :sustain, :onset or :auto, e.g. "
                    + "C4,E4,G4 or 60:onset,64. A bare pitch is auto with --onsets auto, else sustain.")
    String notes;

    @Option(names = "--midi", paramLabel = "FILE.mid",
            description = "Notes from a standard MIDI file, quantised to the 25 Hz frame grid (channel 10 percussion "
                    + "left out).")
    Path midi;

    @Option(names = "--onsets", defaultValue = "auto", paramLabel = "MODE",
            description = "auto (auto-strum, default: sounding notes are 'on, the model decides the attack') or exact "
                    + "(onset on a note's first frame, then sustain).")
    String onsets;

    @Option(names = "--unmask-width", defaultValue = "0", paramLabel = "W",
            description = "Pitches within W semitones of a sounding note are written off; the rest stay masked. "
                    + "127 or more makes every pitch explicit. Default: ${DEFAULT-VALUE}.")
    int unmaskWidth;

    @Option(names = "--seconds", paramLabel = "S",
            description = "With --midi: conditioning length (default: until the last note ends).")
    Double seconds;

    @Option(names = "--drums", defaultValue = "masked", paramLabel = "D",
            description = "on, off or masked (default: the model decides).")
    String drums;

    @Option(names = "--cfg-style", defaultValue = "3.0", paramLabel = "S",
            description = "Style guidance scale, -1..7 in steps of 0.2. Default: ${DEFAULT-VALUE}.")
    double cfgStyle;

    @Option(names = "--cfg-notes", defaultValue = "1.0", paramLabel = "S",
            description = "Notes guidance scale, -1..7 in steps of 0.2. Default: ${DEFAULT-VALUE}.")
    double cfgNotes;

    @Option(names = "--cfg-drums", defaultValue = "1.0", paramLabel = "S",
            description = "Drums guidance scale, -1..7 in steps of 1.0. Default: ${DEFAULT-VALUE}.")
    double cfgDrums;

    @Option(names = "--cfg-tokens", split = ",", paramLabel = "S,N,D",
            description = "Raw CFG bins instead of scales (style 0..40, notes 0..40, drums 0..8). Bins that mean "
                    + "negative style or notes guidance are refused: (4, 4, 4) is style -0.2, notes -0.2, drums 3.0.")
    List<Integer> cfgTokens;

    @Option(names = "--intensity", defaultValue = "0.5", paramLabel = "I",
            description = "The port's energy knob: the output is scaled by 0.5 + clamp(I, 0, 1); 0.5 leaves it as "
                    + "is. Default: ${DEFAULT-VALUE}.")
    double intensity;

    @Override
    public Integer call() {
        Console console = Console.of(spec);
        if (prompt != null) {
            throw new ParameterException(spec.commandLine(), "--prompt: a text prompt needs MusicCoCa, which is not "
                    + "in this checkpoint; pass --style-tokens (12 MusicCoCa tokens) or --style-from FILE.json (a "
                    + "conditioning sidecar compiled by the port)");
        }
        if (!out.getFileName().toString().endsWith(".bin")) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": conditioning rows go in NAME.bin, "
                    + "with their sidecar NAME.json beside it (the pair render --conditioning reads)");
        }
        OutputFiles.requireDistinct(spec, List.of(new OutputFiles.Named("--checkpoint", checkpoint),
                new OutputFiles.Named("--midi", midi), new OutputFiles.Named("--style-from", styleFrom)),
                List.of(new OutputFiles.Named("--out", out),
                        new OutputFiles.Named("--out's sidecar", ConditioningFile.sidecarOf(out))), List.of());
        ConditioningSpec request = request();
        OutputFiles.requireWritable(out, ConditioningFile.sidecarOf(out));
        Conditioner.Result r;
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            r = Conditioner.encode(file, request, out);
        }
        String sha = ConditioningFile.write(out, r.rows(), r.sidecar());
        CfgGuidance cfg = request.cfg();
        if (output.json) {
            Map<String, Object> m = new TreeMap<>();
            m.put("out", out.toString());
            m.put("sidecar", ConditioningFile.sidecarOf(out).toString());
            m.put("shape", List.of(r.rows().length, r.rows()[0].length));
            m.put("sha256", sha);
            m.put("cfg_tokens", List.of(cfg.styleToken(), cfg.notesToken(), cfg.drumsToken()));
            m.put("cfg_scales", cfg.describe());
            m.put("style_tokens", r.sidecar().get("style_tokens"));
            m.put("intensity_gain", Double.parseDouble(Float.toString(request.intensityGain())));
            console.json(m);
        } else {
            console.result(String.format(Locale.ROOT, "%s: [%d, %d] float32, sha256 %s", out, r.rows().length,
                    r.rows()[0].length, sha));
            console.result("sidecar: " + ConditioningFile.sidecarOf(out));
            console.result(String.format(Locale.ROOT, "cfg tokens (%d, %d, %d) = %s", cfg.styleToken(),
                    cfg.notesToken(), cfg.drumsToken(), cfg.describe()));
        }
        return ExitCodes.OK;
    }

    /** The options as a request; usage mistakes are usage errors, unreadable input files bad input. */
    private ConditioningSpec request() {
        if (styleTokens != null && styleFrom != null) {
            throw new ParameterException(spec.commandLine(), "--style-tokens and --style-from exclude each other");
        }
        if (notes != null && midi != null) {
            throw new ParameterException(spec.commandLine(), "--notes and --midi exclude each other");
        }
        if (seconds != null && midi == null) {
            throw new ParameterException(spec.commandLine(), "--seconds sets the length of MIDI conditioning; "
                    + "constant controls give one row for any length");
        }
        if (styleLevels != 6 && styleLevels != ConditioningLayout.STYLE_LEVELS) {
            throw new ParameterException(spec.commandLine(), "--style-levels " + styleLevels + ": expected 12 or 6");
        }
        OnsetMode mode = switch (onsets.toLowerCase(Locale.ROOT)) {
            case "auto" -> OnsetMode.AUTO;
            case "exact" -> OnsetMode.EXACT;
            default -> throw new ParameterException(spec.commandLine(), "--onsets " + onsets + ": expected auto or exact");
        };
        int drum = switch (drums.toLowerCase(Locale.ROOT)) {
            case "on" -> 1;
            case "off" -> 0;
            case "masked" -> ConditioningLayout.MASKED;
            default -> throw new ParameterException(spec.commandLine(), "--drums " + drums
                    + ": expected on, off or masked");
        };
        try {
            int[] style = styleFrom != null ? StyleSidecar.read(styleFrom) : styleTokens();
            Map<Integer, NoteState> constant = notes == null ? null
                    : NotesOption.parse(notes, mode == OnsetMode.AUTO ? NoteState.AUTO : NoteState.SUSTAIN);
            MidiNotes played = midi == null ? null : MidiNotes.read(midi);
            int frames = seconds == null ? 0 : Renderer.Request.framesFor(seconds) - 1;
            return new ConditioningSpec(style, styleLevels, constant, played, mode, unmaskWidth, drum, cfg(),
                    intensity, frames);
        } catch (dev.mrt2.io.BadInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private int[] styleTokens() {
        if (styleTokens == null) {
            return null;
        }
        if (styleTokens.size() != ConditioningLayout.STYLE_LEVELS) {
            throw new IllegalArgumentException("--style-tokens: " + styleTokens.size() + " tokens, expected "
                    + ConditioningLayout.STYLE_LEVELS);
        }
        int[] out = new int[styleTokens.size()];
        for (int i = 0; i < out.length; i++) {
            int t = styleTokens.get(i);
            if (t < ConditioningLayout.MASKED || t >= ConditioningLayout.STYLE_CODES) {
                throw new IllegalArgumentException("--style-tokens: token " + t + " at level " + i
                        + " outside -1..1023");
            }
            out[i] = t;
        }
        return out;
    }

    private CfgGuidance cfg() {
        if (cfgTokens == null) {
            return CfgGuidance.ofScales(cfgStyle, cfgNotes, cfgDrums);
        }
        for (String scale : new String[] {"--cfg-style", "--cfg-notes", "--cfg-drums"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(scale)) {
                throw new IllegalArgumentException("--cfg-tokens and " + scale + " exclude each other (tokens are "
                        + "the scales' bins)");
            }
        }
        if (cfgTokens.size() != 3) {
            throw new IllegalArgumentException("--cfg-tokens: " + cfgTokens.size() + " values, expected 3 (style, "
                    + "notes, drums)");
        }
        CfgGuidance g = new CfgGuidance(cfgTokens.get(0), cfgTokens.get(1), cfgTokens.get(2));
        if (g.antiGuidance()) {
            CfgGuidance usual = CfgGuidance.ofScales(CfgGuidance.DEFAULT_STYLE, CfgGuidance.DEFAULT_NOTES,
                    CfgGuidance.DEFAULT_DRUMS);
            throw new IllegalArgumentException("--cfg-tokens " + cfgTokens + " mean " + g.describe()
                    + ": negative guidance pushes away from the conditioning (the slots use different steps); for "
                    + "scales pass --cfg-style/--cfg-notes/--cfg-drums (the usual (3.0, 1.0, 1.0) is tokens ("
                    + usual.styleToken() + ", " + usual.notesToken() + ", " + usual.drumsToken() + "))");
        }
        return g;
    }
}
