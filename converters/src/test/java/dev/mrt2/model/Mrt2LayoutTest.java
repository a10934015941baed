package dev.mrt2.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Mrt2LayoutTest {
    private static Path sharedDir() {
        return Path.of(System.getProperty("mrt2.shared.dir", "../../shared"));
    }

    @Test
    void smallLayoutEqualsAppendixA() throws Exception {
        List<String> expected = Files.readAllLines(sharedDir().resolve("spec/mrt2-small-keys.tsv"));
        List<String> actual = new ArrayList<>();
        for (Mrt2Layout.KeySpec k : Mrt2Layout.keys(Mrt2Dims.small())) {
            StringBuilder dims = new StringBuilder();
            for (long d : k.shape()) {
                dims.append(dims.length() == 0 ? "" : ",").append(d);
            }
            actual.add(k.key() + "\t" + dims);
        }
        assertEquals(374, actual.size());
        assertEquals(expected, actual);
    }

    @Test
    void smallLayoutHasThePublishedParameterCount() {
        long total = 0;
        for (Mrt2Layout.KeySpec k : Mrt2Layout.keys(Mrt2Dims.small())) {
            total += k.elementCount();
        }
        assertEquals(282_194_376L, total);
    }

    @Test
    void tinyLayoutKeepsEveryKey() {
        List<String> small = Mrt2Layout.keys(Mrt2Dims.small()).stream().map(Mrt2Layout.KeySpec::key).toList();
        List<String> tiny = Mrt2Layout.keys(Mrt2Dims.tiny()).stream().map(Mrt2Layout.KeySpec::key).toList();
        assertEquals(small, tiny);
        assertEquals(12, Mrt2Dims.tiny().rvqLevels());
    }

    @Test
    void cacheNamesFollowAppendixB() {
        List<String> names = Mrt2Keys.cacheNames(12);
        assertEquals(48, names.size());
        assertEquals("temporal_layer_00_self_key_cache", names.get(0));
        assertEquals("temporal_layer_00_cross_value_cache", names.get(3));
        assertEquals("temporal_layer_11_cross_value_cache", names.get(47));
    }
}
