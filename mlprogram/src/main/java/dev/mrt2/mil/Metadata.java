package dev.mrt2.mil;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Model.proto Metadata; user-defined keys sorted so the bytes never depend on insertion order. */
public record Metadata(String shortDescription, String versionString, String author, String license,
                       SortedMap<String, String> userDefined) {
    public Metadata {
        shortDescription = shortDescription == null ? "" : shortDescription;
        versionString = versionString == null ? "" : versionString;
        author = author == null ? "" : author;
        license = license == null ? "" : license;
        userDefined = Collections.unmodifiableSortedMap(new TreeMap<>(userDefined == null ? Map.of() : userDefined));
    }

    public static Metadata empty() {
        return new Metadata("", "", "", "", new TreeMap<>());
    }
}
