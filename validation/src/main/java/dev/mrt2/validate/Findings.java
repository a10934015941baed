package dev.mrt2.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the checks of one package write: figures by section, comparison rows, gates. */
final class Findings {
    final String artifact;
    final Map<String, Object> results = new TreeMap<>();
    final List<FixtureComparison> comparisons = new ArrayList<>();
    final List<Gate> gates = new ArrayList<>();

    Findings(String artifact) {
        this.artifact = artifact;
    }
}
