package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sidecar layout, and numbers written the same on every JDK: the shortest decimal that reads back as the same
 * double (or float). Java 17's {@code Double.toString} gives longer digits for some values, 2^-24 among them, so this
 * test fails there if the JDK writes the numbers.
 */
class SortedJsonTest {
    @Test
    void keysSortedTwoSpaceIndentTrailingNewline() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, 2));
        m.put("a", "x");
        assertEquals("{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}\n", SortedJson.write(m));
    }

    @Test
    void numbersAreTheShortestDecimalThatReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 0x1p-24);          // Java 17's Double.toString: 5.9604644775390625E-8
        m.put("b", 2.0E-3);
        m.put("c", 1.0E23);
        m.put("d", 0.1f);
        assertEquals("{\n  \"a\": 5.960464477539063E-8,\n  \"b\": 0.002,\n  \"c\": 1.0E23,\n  \"d\": 0.1\n}\n",
                SortedJson.write(m));
        assertEquals(0x1p-24, Double.parseDouble("5.960464477539063E-8"));
    }
}
