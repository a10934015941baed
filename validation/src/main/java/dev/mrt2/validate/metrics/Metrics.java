package dev.mrt2.validate.metrics;

import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The comparison figures of mrt2-model.md §8.1, computed exactly as defined there, in float64. */
public final class Metrics {
    private Metrics() {}

    /** Magnitude floor of the log-spectral distance: 20 log10(max(m, 1e-7)). */
    static final double LSD_FLOOR = 1e-7;

    /** {@code actual} (candidate) against {@code expected} (reference); shapes must be equal. */
    public static Comparison compare(NdArray actual, NdArray expected) {
        requireSameShape(actual, expected);
        return compare(actual.toDoubles(), expected.toDoubles(), actual.shape());
    }

    /** Flattened comparison; {@code shape} is only reported. */
    public static Comparison compare(double[] a, double[] e, int[] shape) {
        if (a.length != e.length) {
            throw new IllegalArgumentException("candidate has " + a.length + " values, reference " + e.length);
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("nothing to compare (0 elements)");
        }
        int n = a.length;
        long finite = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(e[i])) {
                finite++;
            }
        }
        List<Integer> dims = Arrays.stream(shape).boxed().toList();
        double finiteRatio = (double) finite / n;
        if (finite < n) {
            double nan = Double.NaN;
            return new Comparison(dims, n, finite, finiteRatio, nan, nan, nan, nan, nan, null);
        }
        double maxAbs = 0;
        double sumAbs = 0;
        double sumSq = 0;
        double sumRef = 0;
        double meanA = 0;
        double meanE = 0;
        for (int i = 0; i < n; i++) {
            double d = a[i] - e[i];
            maxAbs = Math.max(maxAbs, Math.abs(d));
            sumAbs += Math.abs(d);
            sumSq += d * d;
            sumRef += e[i] * e[i];
            meanA += a[i];
            meanE += e[i];
        }
        meanA /= n;
        meanE /= n;
        double rms = Math.sqrt(sumSq / n);
        double snr = rms == 0 ? Double.POSITIVE_INFINITY : 20 * Math.log10(Math.sqrt(sumRef / n) / rms);
        return new Comparison(dims, n, finite, finiteRatio, maxAbs, sumAbs / n, rms, snr,
                pearson(a, e, meanA, meanE), null);
    }

    /** {@link #compare} plus the log-spectral distance, for decoder outputs {@code [..., bins, 4]}. */
    public static Comparison compareSpectra(NdArray actual, NdArray expected) {
        return compare(actual, expected).withLogSpectralDistance(logSpectralDistanceDb(actual, expected));
    }

    /**
     * §8.1 LSD: the last axis holds (re, im) pairs ({@code [..., 480, 4]} viewed as {@code [..., 480, 2, 2]});
     * {@code m = sqrt(re^2 + im^2)}, {@code D = 20 (log10 max(m_a, 1e-7) - log10 max(m_e, 1e-7))}, one global
     * {@code sqrt(mean D^2)} over frames, bins and channels; NaN when anything is non-finite.
     */
    public static double logSpectralDistanceDb(NdArray actual, NdArray expected) {
        requireSameShape(actual, expected);
        if (actual.rank() == 0 || actual.dim(-1) % 2 != 0) {
            throw new IllegalArgumentException("log-spectral distance needs (re, im) pairs in the last axis, got "
                    + Arrays.toString(actual.shape()));
        }
        double[] a = actual.toDoubles();
        double[] e = expected.toDoubles();
        double sum = 0;
        int pairs = a.length / 2;
        for (int p = 0; p < pairs; p++) {
            double ma = Math.hypot(a[2 * p], a[2 * p + 1]);
            double me = Math.hypot(e[2 * p], e[2 * p + 1]);
            if (!Double.isFinite(ma) || !Double.isFinite(me)) {
                return Double.NaN;
            }
            double d = 20 * (Math.log10(Math.max(ma, LSD_FLOOR)) - Math.log10(Math.max(me, LSD_FLOOR)));
            sum += d * d;
        }
        return Math.sqrt(sum / pairs);
    }

    /** The streaming-carry validator's finite ratio: finite elements of the candidate alone / size. */
    public static double finiteRatio(NdArray actual) {
        double[] a = actual.toDoubles();
        long finite = Arrays.stream(a).filter(Double::isFinite).count();
        return (double) finite / a.length;
    }

    /** Per-frame token comparison of {@code [frames][levels]} codes; both must have the same frames and levels. */
    public static TokenMismatches tokens(int[][] actual, int[][] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("candidate has " + actual.length + " frames, reference "
                    + expected.length);
        }
        int total = 0;
        int mismatches = 0;
        int framesDiverged = 0;
        List<Integer> perFrame = new ArrayList<>();
        List<Integer> first = new ArrayList<>();
        for (int f = 0; f < actual.length; f++) {
            if (actual[f].length != expected[f].length) {
                throw new IllegalArgumentException("frame " + f + ": candidate has " + actual[f].length
                        + " levels, reference " + expected[f].length);
            }
            int frameMismatches = 0;
            Integer firstLevel = null;
            for (int l = 0; l < actual[f].length; l++) {
                if (actual[f][l] != expected[f][l]) {
                    frameMismatches++;
                    if (firstLevel == null) {
                        firstLevel = l;
                    }
                }
            }
            total += actual[f].length;
            mismatches += frameMismatches;
            framesDiverged += frameMismatches > 0 ? 1 : 0;
            perFrame.add(frameMismatches);
            first.add(firstLevel);
        }
        return new TokenMismatches(mismatches, total, total == 0 ? 0 : (double) mismatches / total, perFrame, first,
                framesDiverged);
    }

    private static Double pearson(double[] a, double[] e, double meanA, double meanE) {
        // A constant array has std 0, but its float64 mean can be off by an ulp; test constancy directly.
        if (constant(a) || constant(e)) {
            return null;
        }
        double cov = 0;
        double varA = 0;
        double varE = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - meanA;
            double de = e[i] - meanE;
            cov += da * de;
            varA += da * da;
            varE += de * de;
        }
        return cov / Math.sqrt(varA * varE);
    }

    private static boolean constant(double[] v) {
        for (double x : v) {
            if (x != v[0]) {
                return false;
            }
        }
        return true;
    }

    private static void requireSameShape(NdArray a, NdArray e) {
        if (!Arrays.equals(a.shape(), e.shape())) {
            throw new IllegalArgumentException("candidate shape " + Arrays.toString(a.shape())
                    + " != reference shape " + Arrays.toString(e.shape()));
        }
    }
}
