package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Model;
import dev.mrt2.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TimeStream} against {@link TimeCrop} on the small causal decoder of {@link TimeCropTest}: windows of 12 rows
 * two rows apart over a longer sequence, each emitting the 4 output rows of its last two input rows (whose reach stays
 * inside the window, so every window's emitted rows are one continuous decode's). The first program gives the whole
 * window; each steady call, fed the previous call's carries, gives the cropped window's rows bit for bit, in float32
 * and binary16, on every backend, while computing fewer rows.
 */
class TimeStreamTest {
    private static final int SHIFT = 2;
    private static final int WINDOWS = 6;

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT32", "FLOAT16"})
    void steadyWindowsFromCarriedRowsAreTheCroppedWindowsBitForBit(String dtype) {
        Model model = TimeCropTest.decoder(DataType.valueOf(dtype));
        int rows = TimeCropTest.ROWS;
        int emitted = 2 * SHIFT;
        TimeStream stream = TimeStream.of(model, "x", 1, "y", 1, rows - emitted, rows, SHIFT);
        assertFalse(stream.carried().isEmpty());
        Model crop = TimeCrop.crop(model, "x", 1, "y", 1, rows - emitted, rows);
        float[] sequence = Arrays2.random(new SplittableRandom(9), (TimeCropTest.T + SHIFT * WINDOWS) * TimeCropTest.E, 2);
        List<ExecutorBackend> backends = new ArrayList<>(Backends.fast());
        backends.add(ExecutorBackend.SCALAR);
        for (ExecutorBackend backend : backends) {
            try (MlProgramExecutor whole = MlProgramExecutor.forModel(model, "whole", backend);
                 MlProgramExecutor first = whole.sharing(stream.first(), "first");
                 MlProgramExecutor steady = whole.sharing(stream.steady(), "steady");
                 MlProgramExecutor cropped = whole.sharing(crop, "crop")) {
                Map<String, NdArray> out = first.predict(window(sequence, 0));
                assertArrayEquals(bits(whole.predict(window(sequence, 0)).get("y")), bits(out.get("y")), "window 0");
                for (int k = 1; k <= WINDOWS; k++) {
                    Map<String, NdArray> in = new HashMap<>(window(sequence, k));
                    for (String v : stream.carried()) {
                        in.put(v + TimeStream.PREVIOUS, out.get(v + TimeStream.NEXT));
                    }
                    out = steady.predict(in);
                    assertArrayEquals(bits(cropped.predict(window(sequence, k)).get("y")), bits(out.get("y")),
                            backend + " " + dtype + " window " + k);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aSteadyWindowComputesOnlyItsNewRows(int shift) {
        Model model = TimeCropTest.decoder(DataType.FLOAT32);
        int rows = TimeCropTest.ROWS;
        TimeStream stream = TimeStream.of(model, "x", 1, "y", 1, rows - 2 * shift, rows, shift);
        // the residual sits at one row per input row: a steady window computes the shift's rows of it, where the
        // cropped window computes every row its emitted rows read
        assertEquals(shift, rows(stream.steady(), "residual", 2));
        assertTrue(rows(TimeCrop.crop(model, "x", 1, "y", 1, rows - 2 * shift, rows), "residual", 2) > shift);
    }

    @org.junit.jupiter.api.Test
    void emittedRowsThatAreNotTheNewRowsAreRefused() {
        Model model = TimeCropTest.decoder(DataType.FLOAT32);
        int rows = TimeCropTest.ROWS;
        // one input row moves the output 2 rows: emitting 1 leaves a gap, emitting 3 repeats a row
        TimeCrop.Unsupported gap = assertThrows(TimeCrop.Unsupported.class,
                () -> TimeStream.of(model, "x", 1, "y", 1, rows - 1, rows, 1));
        assertTrue(gap.getMessage().contains("moves it 2 rows, more than the 1 it computes"), gap.getMessage());
        TimeCrop.Unsupported overlap = assertThrows(TimeCrop.Unsupported.class,
                () -> TimeStream.of(model, "x", 1, "y", 1, rows - 3, rows, 1));
        assertTrue(overlap.getMessage().contains("computes rows Rows[lo=20, hi=22] of 'y', not [19, 22)"),
                overlap.getMessage());
    }

    private static long rows(Model m, String op, int axis) {
        return m.program().main().block().operations().stream().filter(o -> o.name().equals(op)).findFirst()
                .orElseThrow().output().tensorType().dim(axis);
    }

    private static Map<String, NdArray> window(float[] sequence, int k) {
        int e = TimeCropTest.E;
        float[] x = Arrays.copyOfRange(sequence, k * SHIFT * e, (k * SHIFT + TimeCropTest.T) * e);
        return Map.of("x", NdArray.f32(new int[] {1, TimeCropTest.T, e}, x));
    }

    private static int[] bits(NdArray a) {
        float[] v = a.floats();
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToIntBits(v[i]);
        }
        return b;
    }
}
