package dev.mrt2.host.conditioning;

import java.util.Locale;

/**
 * Classifier-free guidance as the three CFG conditioning tokens (mrt2-model.md §7, §15.2). The scale of each signal
 * is clamped to [-1, 7] and binned with its own step: style and notes 0.2 (bins 0..40, token 20 = 3.0), drums 1.0
 * (bins 0..8, token 2 = 1.0). The bin is {@code rint((s + 1) / step)} in double, i.e. round half to even as Google's
 * Python {@code discretize_cfg} (and the port) compute it; Google's exported engine bins in float32 and differs at
 * 10 scales on the 0.1 grid (e.g. 0.9), Java's half-up {@code Math.round} at 18 (e.g. drums 1.5 gives 2 here, not 3).
 *
 * <p>The slots take different steps, so one integer for all three is a trap: tokens (4, 4, 4) mean style -0.2
 * (anti-guidance), notes -0.2 and drums 3.0.
 */
public record CfgGuidance(int styleToken, int notesToken, int drumsToken) {
    public static final double STYLE_STEP = 0.2;
    public static final double NOTES_STEP = 0.2;
    public static final double DRUMS_STEP = 1.0;
    public static final int STYLE_MAX = 40;
    public static final int NOTES_MAX = 40;
    public static final int DRUMS_MAX = 8;
    static final double MIN_SCALE = -1;
    static final double MAX_SCALE = 7;
    /** Google's Python system's and the port's defaults (§15.3). */
    public static final double DEFAULT_STYLE = 3.0;
    public static final double DEFAULT_NOTES = 1.0;
    public static final double DEFAULT_DRUMS = 1.0;

    public CfgGuidance {
        check("style", styleToken, STYLE_MAX);
        check("notes", notesToken, NOTES_MAX);
        check("drums", drumsToken, DRUMS_MAX);
    }

    /** Bins three guidance scales. */
    public static CfgGuidance ofScales(double style, double notes, double drums) {
        return new CfgGuidance(discretize("--cfg-style", style, STYLE_STEP, STYLE_MAX),
                discretize("--cfg-notes", notes, NOTES_STEP, NOTES_MAX),
                discretize("--cfg-drums", drums, DRUMS_STEP, DRUMS_MAX));
    }

    /**
     * {@code rint((clamp(scale, -1, 7) + 1) / step)} clamped to {@code [0, max]}, in double (§15.2).
     *
     * @param what names the scale in the error for a NaN
     */
    public static int discretize(String what, double scale, double step, int max) {
        if (Double.isNaN(scale)) {
            throw new IllegalArgumentException(what + ": not a number");
        }
        double clamped = Math.min(Math.max(scale, MIN_SCALE), MAX_SCALE);
        double bin = Math.rint((clamped + 1) / step);
        return (int) Math.min(Math.max(bin, 0), max);
    }

    public double styleScale() {
        return scale(styleToken, STYLE_STEP);
    }

    public double notesScale() {
        return scale(notesToken, NOTES_STEP);
    }

    public double drumsScale() {
        return scale(drumsToken, DRUMS_STEP);
    }

    /** Negative style or notes guidance pushes generation away from the prompt: almost always a token mix-up. */
    public boolean antiGuidance() {
        return styleScale() < 0 || notesScale() < 0;
    }

    /** What the tokens mean, for messages: {@code "style 3.0, notes 1.0, drums 1.0"}. */
    public String describe() {
        return String.format(Locale.ROOT, "style %s, notes %s, drums %s", text(styleScale()), text(notesScale()),
                text(drumsScale()));
    }

    /** The scale a bin stands for, rounded to the step's decimals: {@code token * step - 1}. */
    static double scale(int token, double step) {
        return Math.round((token * step - 1) * 10) / 10.0;
    }

    private static String text(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static void check(String what, int token, int max) {
        if (token < 0 || token > max) {
            throw new IllegalArgumentException("CFG " + what + " token " + token + " outside 0.." + max);
        }
    }
}
