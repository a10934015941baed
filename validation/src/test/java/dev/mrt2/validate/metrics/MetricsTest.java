package dev.mrt2.validate.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.convert.SortedJson;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** §8.1 figures on inputs small enough to compute by hand (expected values worked out in the comments). */
class MetricsTest {
    static NdArray f(float... v) {
        return NdArray.f32(new int[] {v.length}, v);
    }

    @Test
    void errorFiguresSnrAndCorrelationByHand() {
        // d = a - e = [0, 0, 0, -1]; rms(d) = sqrt(1/4) = 0.5; rms(e) = sqrt(39/4)
        // corr: da = [-1.5, -.5, .5, 1.5], de = [-1.75, -.75, .25, 2.25]; cov 6.5, var 5 and 8.75
        Comparison c = Metrics.compare(f(1, 2, 3, 4), f(1, 2, 3, 5));
        assertEquals(1.0, c.maxAbsError());
        assertEquals(0.25, c.meanAbsError());
        assertEquals(0.5, c.rmsError());
        assertEquals(20 * Math.log10(Math.sqrt(39.0 / 4) / 0.5), c.snrDb(), 1e-12);
        assertEquals(15.910646070264994, c.snrDb(), 1e-12);
        assertEquals(6.5 / Math.sqrt(5 * 8.75), c.correlation(), 1e-15);
        assertEquals(1.0, c.finiteRatio());
        assertEquals(4, c.totalCount());
        assertNull(c.logSpectralDistanceDb());
    }

    @Test
    void identicalTensorsHaveInfiniteSnrAndUnitCorrelation() {
        Comparison c = Metrics.compare(f(1, -2, 3), f(1, -2, 3));
        assertEquals(Double.POSITIVE_INFINITY, c.snrDb());
        assertEquals(0.0, c.rmsError());
        assertEquals(1.0, c.correlation(), 1e-15);
    }

    @Test
    void correlationIsNullWhenEitherSideIsConstant() {
        assertNull(Metrics.compare(f(0.1f, 0.1f, 0.1f), f(1, 2, 3)).correlation());
        assertNull(Metrics.compare(f(1, 2, 3), f(7, 7, 7)).correlation());
        assertEquals(-1.0, Metrics.compare(f(1, 2, 3), f(3, 2, 1)).correlation(), 1e-15);
    }

    @Test
    void anyNonFinitePositionMakesEveryFigureNaN() {
        Comparison c = Metrics.compare(f(1, Float.NaN, 3, 4), f(1, 2, Float.POSITIVE_INFINITY, 4));
        assertEquals(2, c.finiteCount());
        assertEquals(0.5, c.finiteRatio());
        assertTrue(Double.isNaN(c.maxAbsError()));
        assertTrue(Double.isNaN(c.snrDb()));
        assertTrue(Double.isNaN(c.correlationOrNaN()));
        assertFalse(c.allFinite());
    }

    @Test
    void candidateOnlyFiniteRatio() {
        assertEquals(0.75, Metrics.finiteRatio(f(1, Float.NEGATIVE_INFINITY, 3, 4)));
    }

    @Test
    void logSpectralDistanceByHand() {
        // pairs (re, im): a (3,4)->5 vs e (0,5)->5: 0 dB; a (1,0)->1 vs e (10,0)->10: -20 dB; sqrt((0+400)/2)
        NdArray a = NdArray.f32(new int[] {1, 4}, new float[] {3, 4, 1, 0});
        NdArray e = NdArray.f32(new int[] {1, 4}, new float[] {0, 5, 10, 0});
        assertEquals(Math.sqrt(200), Metrics.logSpectralDistanceDb(a, e), 1e-12);
        // floor: |a| = 0 -> 1e-7 (-140 dB), |e| = 1e-3 (-60 dB): -80 dB; second pair equal: sqrt(6400/2)
        NdArray z = NdArray.f32(new int[] {4}, new float[] {0, 0, 2, 2});
        NdArray y = NdArray.f32(new int[] {4}, new float[] {1e-3f, 0, 2, 2});
        assertEquals(Math.sqrt(3200), Metrics.logSpectralDistanceDb(z, y), 1e-4);
        assertTrue(Double.isNaN(Metrics.logSpectralDistanceDb(NdArray.f32(new int[] {2}, new float[] {Float.NaN, 0}),
                NdArray.f32(new int[] {2}, new float[] {1, 0}))));
        assertEquals(Math.sqrt(200), Metrics.compareSpectra(a, e).logSpectralDistanceDb(), 1e-12);
    }

    @Test
    void lsdTreatsTheLastAxisAsChannelPairsNotBins() {
        // [1 frame, 1 bin, 4 channels]: channel pairs (re0, im0) and (re1, im1); swapping im0 and re1 changes LSD
        NdArray a = NdArray.f32(new int[] {1, 1, 4}, new float[] {1, 0, 0, 100});
        NdArray e = NdArray.f32(new int[] {1, 1, 4}, new float[] {0, 1, 100, 0});
        assertEquals(0.0, Metrics.logSpectralDistanceDb(a, e), 1e-12, "magnitudes per channel are equal");
    }

    @Test
    void tokenMismatchesByHand() {
        int[][] actual = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
        int[][] expected = {{1, 2, 3}, {4, 0, 0}, {0, 8, 9}};
        TokenMismatches t = Metrics.tokens(actual, expected);
        assertEquals(3, t.tokenMismatches());
        assertEquals(9, t.totalTokens());
        assertEquals(1.0 / 3, t.mismatchRate(), 1e-15);
        assertEquals(List.of(0, 2, 1), t.perFrameMismatches());
        assertEquals(Arrays.asList(null, 1, 0), t.firstDivergenceLevels());
        assertEquals(2, t.framesWithAnyDivergence());
    }

    @Test
    void shapeMismatchIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.compare(f(1, 2), f(1, 2, 3)));
    }

    @Test
    void jsonHasSortedSnakeCaseKeysAndNullCorrelation() {
        String json = SortedJson.write(Metrics.compare(f(1, 1), f(1, 2)));
        assertEquals("""
                {
                  "correlation": null,
                  "finite_count": 2,
                  "finite_ratio": 1.0,
                  "max_abs_error": 1.0,
                  "mean_abs_error": 0.5,
                  "rms_error": 0.7071067811865476,
                  "shape": [
                    2
                  ],
                  "snr_db": 6.989700043360188,
                  "total_count": 2
                }
                """, json);
        String tokens = SortedJson.write(Metrics.tokens(new int[][] {{1}}, new int[][] {{2}}));
        assertTrue(tokens.indexOf("\"first_divergence_levels\"") < tokens.indexOf("\"frames_with_any_divergence\""));
    }
}
