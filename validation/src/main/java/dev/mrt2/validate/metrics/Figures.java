package dev.mrt2.validate.metrics;

import java.math.BigDecimal;
import java.math.MathContext;

/** How figures print for people: 12 significant digits, like the port's receipts, the same in every locale. */
public final class Figures {
    private static final MathContext TWELVE = new MathContext(12);

    private Figures() {}

    /** {@code 0.999985904188}, {@code 0.117855072021}, {@code 1}, {@code 1.23456789012E-7}, {@code NaN}, {@code inf}. */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(TWELVE).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        return exponent >= -6 && exponent < 12 ? d.toPlainString() : d.toString();
    }

    /** {@link #format(double)}, or {@code null} as "n/a". */
    public static String format(Double v) {
        return v == null ? "n/a" : format(v.doubleValue());
    }
}
