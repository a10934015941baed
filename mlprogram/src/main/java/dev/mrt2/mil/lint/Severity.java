package dev.mrt2.mil.lint;

import java.util.Locale;

/**
 * How much a finding matters. A warning names something that keeps work off the Neural Engine or breaks its compile
 * ({@code mrt2 lint --strict} fails on it); an info states a cost worth knowing that blocks nothing.
 */
public enum Severity {
    WARNING,
    INFO;

    /** The spelling in text and JSON output: {@code warning}, {@code info}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
