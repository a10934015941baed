package dev.mrt2.host.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** MODELS.md section 5: windows of T tokens, emitted rows, context. */
class WindowPlanTest {
    @Test
    void hop11OnT25EmitsTheRowsOfTokens13To23OfEachLaterWindow() {
        WindowPlan p = WindowPlan.of(51, 25, 11);
        assertEquals(13, p.context());
        assertTrue(p.exact());
        List<WindowPlan.Window> w = p.windows();
        assertEquals(new WindowPlan.Window(0, 25, 0, 96), w.get(0));
        assertEquals(new WindowPlan.Window(11, 25, 52, 44), w.get(1), "tokens 24..34");
        assertEquals(new WindowPlan.Window(22, 25, 52, 44), w.get(2), "tokens 35..45");
        // the last window ends at token 50 (the lookahead) and keeps more context: tokens 46..49
        assertEquals(new WindowPlan.Window(26, 25, 80, 16), w.get(3));
        assertEquals(4, w.size());
        assertContiguous(p);
    }

    @Test
    void hop12IsThePortsTwelveContextTokensAndNotExact() {
        WindowPlan p = WindowPlan.of(100, 25, 12);
        assertEquals(12, p.context());
        assertFalse(p.exact());
        assertEquals(new WindowPlan.Window(12, 25, 48, 48), p.windows().get(1));
        assertContiguous(p);
    }

    @Test
    void shortSequencesFitOneWindowAndEveryLengthIsCovered() {
        assertEquals(List.of(new WindowPlan.Window(0, 2, 0, 4)), WindowPlan.of(2, 25, 11).windows());
        assertEquals(List.of(new WindowPlan.Window(0, 25, 0, 96)), WindowPlan.of(25, 25, 11).windows());
        for (int f = 2; f < 120; f++) {
            for (int hop : new int[] {1, 5, 11, 12, 24}) {
                assertContiguous(WindowPlan.of(f, 25, hop));
            }
        }
        assertEquals(11, WindowPlan.exactHop(25));
        assertThrows(IllegalArgumentException.class, () -> WindowPlan.of(1, 25, 11));
        assertThrows(IllegalArgumentException.class, () -> WindowPlan.of(30, 25, 25));
        assertThrows(IllegalArgumentException.class, () -> WindowPlan.of(30, 25, 0));
    }

    /** Windows emit rows 0 .. 4 (F - 1) - 1 once each, in order, each with at least its plan's context. */
    static void assertContiguous(WindowPlan p) {
        int next = 0;
        for (int i = 0; i < p.windows().size(); i++) {
            WindowPlan.Window w = p.windows().get(i);
            assertEquals(next, 4 * w.start() + w.firstRow(), p + " window " + i);
            assertTrue(w.rows() > 0 && w.firstRow() + w.rows() <= 4 * (p.frames() - 1), p + " window " + i);
            assertTrue(w.end() <= p.tokens());
            if (i > 0) {
                assertTrue(w.firstRow() / 4 >= p.context(), "context of window " + i + " in " + p);
            }
            next += w.rows();
        }
        assertEquals(p.rows(), next);
    }
}
