package dev.mrt2.validate.headroom;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.mrt2.safetensors.Float16;
import java.util.Comparator;
import java.util.Locale;

/**
 * How close one op's fp16 output came to the largest binary16 value over every prediction it was observed in.
 *
 * @param op         the op's name
 * @param type       its MIL type, e.g. {@code linear}
 * @param maxAbs     the largest |value| among its finite values (0 when it had none)
 * @param headroomDb {@code 20 log10(65504 / maxAbs)}; +Infinity for an all-zero op, -Infinity when flagged
 * @param infValues  how many values were ±infinity (over every call)
 * @param nanValues  how many values were NaN
 * @param flagged    whether any value was non-finite: the op overflowed, or inherited an overflow
 */
@JsonPropertyOrder(alphabetic = true)
public record OpHeadroom(@JsonProperty("op") String op, @JsonProperty("type") String type,
                         @JsonProperty("max_abs") double maxAbs, @JsonProperty("headroom_db") double headroomDb,
                         @JsonProperty("inf_values") long infValues, @JsonProperty("nan_values") long nanValues,
                         @JsonProperty("flagged") boolean flagged) {
    /** The largest finite binary16 value; the limit every headroom is measured against. */
    public static final double FP16_MAX = Float16.MAX_VALUE;

    /** Least headroom first (flagged ops, at -Infinity, lead), ties by op name: the order never depends on the run. */
    public static final Comparator<OpHeadroom> LEAST_HEADROOM_FIRST =
            Comparator.comparingDouble(OpHeadroom::headroomDb).thenComparing(OpHeadroom::op);

    static OpHeadroom of(String op, String type, double maxAbs, long infValues, long nanValues) {
        boolean flagged = infValues + nanValues > 0;
        double db = flagged ? Double.NEGATIVE_INFINITY : decibelsBelowLimit(maxAbs);
        return new OpHeadroom(op, type, maxAbs, db, infValues, nanValues, flagged);
    }

    /** {@code 20 log10(65504 / maxAbs)}: +Infinity for 0, 0 dB at the limit itself. */
    public static double decibelsBelowLimit(double maxAbs) {
        return maxAbs == 0 ? Double.POSITIVE_INFINITY : 20 * Math.log10(FP16_MAX / maxAbs);
    }

    /** {@code 10000.0}, or {@code 12.5 and 3 inf, 0 NaN values} for a flagged op. */
    public String maxAbsText() {
        String max = Float.toString((float) maxAbs);
        return flagged ? max + " and " + infValues + " inf, " + nanValues + " NaN values" : max;
    }

    /** {@code 16.3 dB}, {@code inf dB} for an all-zero op, {@code none (non-finite)} for a flagged one. */
    public String headroomText() {
        if (flagged) {
            return "none (non-finite)";
        }
        return Double.isInfinite(headroomDb) ? "inf dB" : String.format(Locale.ROOT, "%.1f dB", headroomDb);
    }

    /** {@code scaled (mul): max |value| 10000.0, headroom 16.3 dB}. */
    public String line() {
        return op + " (" + type + "): max |value| " + maxAbsText() + ", headroom " + headroomText();
    }
}
