package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A command's preference for 16-bit weights lasts its run only, and never overrides the user's own choice. */
class HalfWeightsTest {
    @Test
    void preferenceHoldsForTheRunAndIsGoneAfterIt() {
        String before = System.getProperty(HalfWeights.PROPERTY);
        try {
            System.clearProperty(HalfWeights.PROPERTY);
            assertTrue(HalfWeights.preferredWhile(() -> KernelContext.keepHalf(1)), "kept 16-bit inside");
            assertNull(System.getProperty(HalfWeights.PROPERTY), "cleared after");
            assertThrows(IllegalStateException.class, () -> HalfWeights.preferredWhile(() -> {
                throw new IllegalStateException("the run failed");
            }));
            assertNull(System.getProperty(HalfWeights.PROPERTY), "cleared after a failure too");

            System.setProperty(HalfWeights.PROPERTY, "off");
            assertFalse(HalfWeights.preferredWhile(() -> KernelContext.keepHalf(1)), "the user's off wins");
            assertEquals("off", System.getProperty(HalfWeights.PROPERTY));
        } finally {
            if (before == null) {
                System.clearProperty(HalfWeights.PROPERTY);
            } else {
                System.setProperty(HalfWeights.PROPERTY, before);
            }
        }
    }
}
