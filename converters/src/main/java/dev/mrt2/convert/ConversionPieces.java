package dev.mrt2.convert;

import dev.mrt2.convert.codebooks.CodebookPiece;
import dev.mrt2.convert.sos.SosInputPiece;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of conversion pieces, in the order {@code mrt2 convert} runs them. Adding a piece is one line. */
public final class ConversionPieces {
    private static final List<ConversionPiece> ALL = List.of(
            // first: its FP32 calibration run is the longest piece and computes on every core, so it overlaps the
            // pieces that mostly convert and write weights instead of finishing alone at the end
            PackagePiece.decoderF16(),
            PackagePiece.temporal(),
            PackagePiece.depth(),
            PackagePiece.decoder(),
            PackagePiece.temporalCarry(),
            PackagePiece.rolloutF16(),
            PackagePiece.rolloutF32(),
            PackagePiece.temporalCarryF32(),
            new SosInputPiece(),
            new CodebookPiece()   // last: it needs the checkpoint's sha256 first, which hashes meanwhile
    );

    /**
     * {@code --generation} values, and the pieces each one converts (codebooks belong to both). {@code reference}
     * is the all-FP32 corrected chain (FP32 carry step, FP32 rollout, FP32 decoder) that renders token for token like
     * the checkpoint reference; {@code all} is first + corrected, without the 730 MB FP32 carry step an app would not
     * ship.
     */
    public static final String FIRST = "first";
    public static final String CORRECTED = "corrected";
    public static final String REFERENCE = "reference";
    public static final String ALL_GENERATIONS = "all";
    private static final List<String> FIRST_PIECES = List.of("temporal", "depth", "decoder", "codebooks");
    private static final List<String> CORRECTED_PIECES = List.of("temporal-carry", "rollout-f16", "rollout-f32",
            "decoder-f16", "sos-input", "codebooks");
    private static final List<String> REFERENCE_PIECES = List.of("decoder", "temporal-carry-f32", "rollout-f32",
            "sos-input", "codebooks");

    private ConversionPieces() {}

    /**
     * The pieces of one generation (mrt2-model.md §6.1 first, §6.2 corrected, or all), in registry order. An unknown
     * generation throws IllegalArgumentException naming the known ones.
     */
    public static List<ConversionPiece> generation(String generation) {
        List<String> names = switch (generation) {
            case FIRST -> FIRST_PIECES;
            case CORRECTED -> CORRECTED_PIECES;
            case REFERENCE -> REFERENCE_PIECES;
            case ALL_GENERATIONS -> java.util.stream.Stream.concat(FIRST_PIECES.stream(), CORRECTED_PIECES.stream())
                    .toList();
            default -> throw new IllegalArgumentException("unknown generation '" + generation + "' (available: "
                    + FIRST + ", " + CORRECTED + ", " + REFERENCE + ", " + ALL_GENERATIONS + ")");
        };
        return ALL.stream().filter(p -> names.contains(p.name())).toList();
    }

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
