package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spec §7 and §15.2: guidance scales to CFG bins, half to even in double. */
class CfgGuidanceTest {
    @Test
    void referenceGuidanceGivesTokens20_10_2() {
        CfgGuidance g = CfgGuidance.ofScales(3.0, 1.0, 1.0);
        assertEquals(20, g.styleToken());
        assertEquals(10, g.notesToken());
        assertEquals(2, g.drumsToken());
        assertEquals("style 3.0, notes 1.0, drums 1.0", g.describe());
        assertFalse(g.antiGuidance());
    }

    @Test
    void tokens4_4_4AreNamedAsAntiGuidance() {
        // the known trap: one integer for all three slots means style -0.2, notes -0.2, drums 3.0
        CfgGuidance trap = new CfgGuidance(4, 4, 4);
        assertEquals("style -0.2, notes -0.2, drums 3.0", trap.describe());
        assertTrue(trap.antiGuidance());
        assertEquals(4, CfgGuidance.ofScales(3.0, 3.0, 3.0).drumsToken(), "drums 3.0 is bin 4");
    }

    @Test
    void halfwayBinsRoundToEvenInDouble() {
        // (1.5 + 1) / 1.0 = 2.5 -> 2 (half up would say 3); (1.1 + 1) / 0.2 is exactly 10.5 in double -> 10
        assertEquals(2, CfgGuidance.ofScales(3, 1, 1.5).drumsToken());
        assertEquals(10, CfgGuidance.ofScales(3, 1.1, 1).notesToken());
        assertEquals(11, Math.round((1.1 + 1) / 0.2), "Java's half-up rounding differs here");
        // (0.9 + 1) / 0.2 = 9.499999999999998 in double -> 9 (Google's float32 engine bins 10)
        assertEquals(9, CfgGuidance.ofScales(0.9, 1, 1).styleToken());
        assertEquals(10, Math.round((0.9f + 1f) / 0.2f), "the float32 path rounds the other way");
    }

    @Test
    void scalesAreClampedToMinusOneSevenAndBinsToTheirRange() {
        CfgGuidance high = CfgGuidance.ofScales(100, 7.0, 7.0);
        assertEquals(40, high.styleToken());
        assertEquals(40, high.notesToken());
        assertEquals(8, high.drumsToken());
        CfgGuidance low = CfgGuidance.ofScales(-5, -1, -1);
        assertEquals(0, low.styleToken());
        assertEquals(0, low.drumsToken());
        assertThrows(IllegalArgumentException.class, () -> CfgGuidance.ofScales(Double.NaN, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new CfgGuidance(41, 10, 2));
        assertThrows(IllegalArgumentException.class, () -> new CfgGuidance(20, 10, 9));
    }
}
