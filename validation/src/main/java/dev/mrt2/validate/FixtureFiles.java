package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file names of a fixtures folder. The first four are the port's published set (mrt2-model.md §8.3), recognised
 * by name and read as they are; the rest are what {@code mrt2 fixtures generate} adds for the cases the published
 * set does not hold.
 */
public final class FixtureFiles {
    private FixtureFiles() {}

    /** {@code temporal_streaming_carry_<N>.npz}: N streaming steps, deflated members. */
    public static final Pattern STREAM = Pattern.compile("temporal_streaming_carry_(\\d+)\\.npz");
    /** {@code temporal_streaming_carry_<N>_device_fixture.json} and its raw float32 files. */
    public static final Pattern DEVICE_FIXTURE = Pattern.compile("temporal_streaming_carry_(\\d+)_device_fixture\\.json");
    /** Two teacher-forced frames, stored members. */
    public static final String UNROLLED = "reference_temporal_unrolled.npz";
    /** Generated unique ids {@code [T, L]} int32. */
    public static final String TOKENS = "generated_tokens_unique.npy";

    /** Ours: one per sampling arm of the depth-logits comparison. */
    public static final Pattern TOKEN_ARM = Pattern.compile("tokens_([a-z0-9_]+)\\.npz");
    /** Ours: one per depth rollout arm. */
    public static final Pattern ROLLOUT_ARM = Pattern.compile("rollout_([a-z0-9_]+)\\.npz");
    /** Ours: one decoder chunk. */
    public static final String DECODER = "decoder.npz";
    /** Ours: checkpoint identity, seed, input provenance and the codebook table's identity (keys sorted). */
    public static final String MANIFEST = "reference_fixtures.json";

    /** Members of the streaming fixture (npz and device fixture alike). */
    public static final String STREAM_INPUTS = "temporal_inputs";
    public static final String STREAM_SOURCES = "source_encoded";
    public static final String STREAM_OUTPUTS = "reference_outputs";
    /** Members of the unrolled fixture. */
    public static final String UNROLLED_TOKENS = "tokens";
    public static final String UNROLLED_INPUTS = "temporal_inputs";
    public static final String UNROLLED_SOURCES = "source_encoded";
    public static final String UNROLLED_OUTPUTS = "temporal_outputs_mlx";
    public static final String UNROLLED_PREFIX = "prefix_embeddings";
    public static final String UNROLLED_LOGITS = "depth_logits_mlx";
    /** Frames of the unrolled fixture. */
    public static final int UNROLLED_FRAMES = 2;

    public static String stream(int steps) {
        return "temporal_streaming_carry_" + steps + ".npz";
    }

    /** The base name the device fixture's files share: {@code temporal_streaming_carry_<N>}. */
    public static String deviceBase(int steps) {
        return "temporal_streaming_carry_" + steps;
    }

    public static String deviceFixture(int steps) {
        return deviceBase(steps) + "_device_fixture.json";
    }

    public static String tokenArm(String arm) {
        return "tokens_" + arm + ".npz";
    }

    public static String rolloutArm(String arm) {
        return "rollout_" + arm + ".npz";
    }

    /**
     * The N of the streaming file {@code name} in {@code dir}. A name saying 0 steps (nothing to compare, and no row
     * to divide into) or more than an int holds is refused here, not by the first division or parse that meets it.
     */
    static int steps(Path dir, Pattern p, String name) {
        Matcher m = p.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " is not a streaming fixture name");
        }
        String digits = m.group(1);
        long n = digits.length() > 10 ? -1 : Long.parseLong(digits);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new BadInputException(dir.resolve(name) + ": the name says " + digits + " steps; a streaming "
                    + "fixture holds 1 to " + Integer.MAX_VALUE);
        }
        return (int) n;
    }
}
