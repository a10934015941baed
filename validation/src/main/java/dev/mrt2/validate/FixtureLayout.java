package dev.mrt2.validate;

import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import java.util.List;

/**
 * What each recognised fixture file holds (mrt2-model.md §8.3 for the port's files, {@link FixtureWriter} for ours):
 * its members, their kinds, what each axis measures and what values they may hold. Axes name the model's dimensions
 * (D, S, L, C, E) shared by the whole folder, or the file's own frame count (F, T), so {@link FixtureDims} can tell
 * which member of a file disagrees with the rest.
 */
final class FixtureLayout {
    private FixtureLayout() {}

    /** Temporal width. */
    static final String D = "D";
    /** Width of source_encoded. */
    static final String S = "S";
    /** RVQ levels the Depthformer generates. */
    static final String L = "L";
    /** Codes per level. */
    static final String C = "C";
    /** Width of a codebook row (the decoder's input). */
    static final String E = "E";
    /** Frames of one file (each file has its own count). */
    static final String F = "F";
    /** Token frames of one file (each file has its own count). */
    static final String T = "T";

    /** The dimensions counted per file rather than shared by the folder. */
    static boolean perFile(String dim) {
        return F.equals(dim) || T.equals(dim);
    }

    static String describe(String dim) {
        return switch (dim) {
            case D -> "temporal width D";
            case S -> "source width S";
            case L -> "levels L";
            case C -> "codebook size C";
            case E -> "codebook row width E";
            case F -> "frames F of this file";
            case T -> "token frames T of this file";
            default -> dim;
        };
    }

    /** What a member's values must be, beyond its kind. */
    enum Values {
        /** Every value finite: a NaN or infinity in a reference cannot be compared with. */
        FINITE,
        /** Unique ids {@code 6 + C level + code}, level = the column (mrt2-model.md §8.3). */
        UNIQUE_IDS,
        /** Codebook-local codes {@code 0..C-1}. */
        CODES,
        /** One finite temperature >= 0 (0 = argmax). */
        TEMPERATURE
    }

    /**
     * One axis: its length is {@code offset + scale * dim}, where the scale is a constant or (for the logits' vocabulary
     * axis, {@code 6 + L C}) the member's own axis {@code scaleAxis} holding {@code scaleDim}. A fixed axis has no dim.
     *
     * @param why for a fixed axis, why its length is what it is
     */
    record Axis(String dim, int scale, int offset, String scaleDim, int scaleAxis, String label, String why) {
        static Axis of(String dim) {
            return new Axis(dim, 1, 0, null, -1, dim, null);
        }

        static Axis fixed(int n, String why) {
            return new Axis(null, 0, n, null, -1, Integer.toString(n), why);
        }

        static Axis minusOne(String dim) {
            return new Axis(dim, 1, -1, null, -1, dim + " - 1", null);
        }

        /** The decoder's STFT rows: {@code 4 T - 4} (mrt2-model.md §4.5). */
        static Axis stftRows() {
            return new Axis(T, Mrt2Constants.CODEC_TIME_STRIDE, -Mrt2Constants.CODEC_LOOKAHEAD_FRAMES, null, -1,
                    "4 T - 4", null);
        }

        /** The depth vocabulary {@code 6 + L C}, L read from the member's axis {@code levelsAxis}. */
        static Axis vocabulary(int levelsAxis) {
            return new Axis(C, 0, Mrt2Constants.RESERVED_TOKENS, L, levelsAxis, Mrt2Constants.RESERVED_TOKENS
                    + " + L C", null);
        }

        /** The dim's value this member's shape implies at {@code axis}, or -1 when no whole value >= 1 gives it. */
        int implied(int[] shape, int axis) {
            int s = scaleDim == null ? scale : shape[scaleAxis];
            int rest = shape[axis] - offset;
            if (dim == null || s <= 0 || rest <= 0 || rest % s != 0) {
                return -1;
            }
            return rest / s;
        }
    }

    /** One member: its name in the file (empty for a plain .npy), kind, what its values are, and its axes. */
    record Member(String name, NdArray.Kind kind, Values values, List<Axis> axes) {
        String symbolicShape() {
            return kind.name().toLowerCase(java.util.Locale.ROOT)
                    + axes.stream().map(Axis::label).toList().toString();
        }
    }

    private static Member f32(String name, Axis... axes) {
        return new Member(name, NdArray.Kind.F32, Values.FINITE, List.of(axes));
    }

    private static Member i32(String name, Values values, Axis... axes) {
        return new Member(name, NdArray.Kind.I32, values, List.of(axes));
    }

    private static final Axis ONE = Axis.fixed(1, "always 1");

    /** {@code temporal_streaming_carry_<N>} (npz and device fixture alike): N from the file name. */
    static List<Member> stream(int steps) {
        Axis n = Axis.fixed(steps, "the " + steps + " steps of the file name");
        return List.of(
                f32(FixtureFiles.STREAM_INPUTS, n, ONE, ONE, Axis.of(D)),
                f32(FixtureFiles.STREAM_SOURCES, n, ONE, ONE, Axis.of(S)),
                f32(FixtureFiles.STREAM_OUTPUTS, ONE, n, Axis.of(D)));
    }

    static final List<Member> UNROLLED = List.of(
            i32(FixtureFiles.UNROLLED_TOKENS, Values.UNIQUE_IDS, Axis.of(F), Axis.of(L)),
            f32(FixtureFiles.UNROLLED_INPUTS, ONE, Axis.of(F), Axis.of(D)),
            f32(FixtureFiles.UNROLLED_SOURCES, ONE, Axis.of(F), Axis.of(S)),
            f32(FixtureFiles.UNROLLED_OUTPUTS, ONE, Axis.of(F), Axis.of(D)),
            f32(FixtureFiles.UNROLLED_PREFIX, Axis.of(F), Axis.minusOne(L), Axis.of(D)),
            f32(FixtureFiles.UNROLLED_LOGITS, Axis.of(F), Axis.of(L), Axis.vocabulary(1)));

    /** {@code generated_tokens_unique.npy}: one array, no member name. */
    static final List<Member> GENERATED = List.of(
            i32("", Values.UNIQUE_IDS, Axis.of(T), Axis.of(L)));

    static final List<Member> TOKEN_ARM = List.of(
            i32("tokens", Values.UNIQUE_IDS, Axis.of(F), Axis.of(L)),
            f32("gumbel_noise", Axis.of(F), Axis.of(L), Axis.of(C)),
            new Member("temperature", NdArray.Kind.F32, Values.TEMPERATURE, List.of(ONE)),
            f32("source_encoded", Axis.of(F), Axis.of(S)),
            f32("temporal_inputs", Axis.of(F), Axis.of(D)),
            f32("temporal_outputs", Axis.of(F), Axis.of(D)),
            f32("prefix_embeddings", Axis.of(F), Axis.minusOne(L), Axis.of(D)));

    static final List<Member> ROLLOUT = List.of(
            i32("sampled_codes", Values.CODES, Axis.of(F), Axis.of(L)),
            f32("temporal_frame", Axis.of(F), Axis.of(D)),
            f32("gumbel_noise", Axis.of(F), Axis.of(L), Axis.of(C)),
            new Member("temperature", NdArray.Kind.F32, Values.TEMPERATURE, List.of(ONE)),
            f32("temporal_feedback", Axis.of(F), Axis.of(D)),
            f32("level_logits", Axis.of(F), Axis.of(L), Axis.of(C)));

    static final List<Member> DECODER = List.of(
            i32("codes", Values.CODES, Axis.of(T), Axis.of(L)),
            f32("decoder_embeddings", ONE, Axis.of(T), Axis.of(E)),
            f32(DecoderCheck.OUTPUT, ONE, Axis.stftRows(),
                    Axis.fixed(Mrt2Constants.STFT_BINS, "the decoder's " + Mrt2Constants.STFT_BINS + " STFT bins"),
                    Axis.fixed(Mrt2Constants.CODEC_OUTPUT_CHANNELS, "the decoder's "
                            + Mrt2Constants.CODEC_OUTPUT_CHANNELS + " STFT channels, (re, im) x 2")));
}
