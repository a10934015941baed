package dev.mrt2.validate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Whether one comparison of a package ran: covered by a case of the reference, or not (and which fixture would
 * cover it, and why the one given does not).
 *
 * @param check   the comparison, e.g. {@code temporal stream}
 * @param fixture the fixture file that covers it, or would
 * @param covered whether it ran
 * @param note    why it did not (absent case, other widths, other frame count); null when covered
 */
@JsonPropertyOrder(alphabetic = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Coverage(@JsonProperty("check") String check, @JsonProperty("fixture") String fixture,
                       @JsonProperty("covered") boolean covered, @JsonProperty("note") String note) {

    static Coverage covered(String check, String fixture) {
        return new Coverage(check, fixture, true, null);
    }

    static Coverage missing(String check, String fixture, String note) {
        return new Coverage(check, fixture, false, note);
    }
}
