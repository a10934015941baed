package dev.mrt2.convert;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalLong;

/**
 * A count (a shape entry, a byte count, steps, a token) in a JSON file written by Python. JSON has one number type, and
 * Python's {@code json.dump} writes a count held in a float as {@code 64.0} (or {@code 6.4e1}): the same count, so it is
 * read as 64. A fraction, a string, a boolean or a value beyond a long is not a count.
 */
public final class JsonWholeNumber {
    private JsonWholeNumber() {}

    /** The count {@code v} holds, or empty when it holds none. */
    public static OptionalLong of(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return OptionalLong.empty();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? OptionalLong.of(v.longValue()) : OptionalLong.empty();
        }
        double d = v.doubleValue();
        // 2^63 itself is not a long; every double below it that is whole is one exactly
        if (!Double.isFinite(d) || d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) d);
    }
}
