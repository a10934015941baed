package dev.mrt2.mil;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** A MIL program (Program.version is always 1); functions sorted by name. */
public record Program(SortedMap<String, Function> functions) {
    public Program {
        functions = Collections.unmodifiableSortedMap(new TreeMap<>(functions));
    }

    public Function main() {
        Function f = functions.get("main");
        if (f == null) {
            throw new IllegalStateException("program has no 'main' function");
        }
        return f;
    }
}
