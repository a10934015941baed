package dev.mrt2.mil.exec;

/** The error function in double precision (Java has none): a power series near zero, a continued fraction beyond. */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double SERIES_LIMIT = 2.5;
    private static final int FRACTION_TERMS = 80;

    private Erf() {}

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < SERIES_LIMIT) {
            // erf x = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)); at |x| < 2.5 the terms stay below ~10², so about
            // 14 significant digits survive the cancellation
            double x2 = x * x;
            double power = x;
            double sum = x;
            for (int n = 1; n < 200; n++) {
                power *= -x2 / n;
                double term = power / (2 * n + 1);
                sum += term;
                if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        if (ax >= 6.0) {
            return Math.copySign(1.0, x);     // erfc(6) ≈ 2e-17: below double resolution of 1
        }
        // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from the tail
        double f = ax;
        for (int n = FRACTION_TERMS; n >= 1; n--) {
            f = ax + (n / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) * ONE_OVER_SQRT_PI / f;
        return Math.copySign(1.0 - erfc, x);
    }
}
