package dev.mrt2.convert;

import dev.mrt2.convert.codebooks.CodebookPiece;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of conversion pieces, in the order {@code mrt2 convert} runs them. Adding a piece is one line. */
public final class ConversionPieces {
    private static final List<ConversionPiece> ALL = List.of(
            PackagePiece.temporal(),
            PackagePiece.depth(),
            PackagePiece.decoder(),
            new CodebookPiece()   // last: it needs the checkpoint's sha256 first, which hashes meanwhile
    );

    private ConversionPieces() {}

    public static List<ConversionPiece> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(ConversionPiece::name).toList();
    }

    /**
     * The pieces named in {@code names} (in registry order, each once); an empty list means all of them.
     * An unknown name throws IllegalArgumentException listing the known ones.
     */
    public static List<ConversionPiece> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return ALL;
        }
        Map<String, ConversionPiece> chosen = new LinkedHashMap<>();
        for (String raw : names) {
            String name = raw.trim();
            ConversionPiece piece = ALL.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown piece '" + name + "' (available: "
                            + String.join(", ", names()) + ")"));
            chosen.put(name, piece);
        }
        List<ConversionPiece> ordered = new ArrayList<>();
        for (ConversionPiece p : ALL) {
            if (chosen.containsKey(p.name())) {
                ordered.add(p);
            }
        }
        return ordered;
    }
}
