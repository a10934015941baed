package dev.mrt2.host.conditioning;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mrt2.convert.JsonDocument;
import dev.mrt2.convert.JsonWholeNumber;
import dev.mrt2.io.BadInputException;
import dev.mrt2.io.OsReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A conditioning sidecar as the port writes it: Python's {@code json.dump}. Two things that tool does by default and a
 * strict JSON reader refuses are accepted here: {@code NaN}, {@code Infinity} and {@code -Infinity} (written for a
 * float field such as a timing, which we do not read), and integers that went through a float ({@code 3.0},
 * {@code 1e3}). What Python's {@code json.load} itself refuses (a second document or other text after the first, an
 * empty file) is refused too, naming the file.
 */
final class SidecarJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private SidecarJson() {}

    /** The document in {@code json}; a missing, empty or malformed file is a bad input naming it. */
    static JsonNode read(Path json) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(json);
        } catch (NoSuchFileException e) {
            throw new BadInputException(json + ": no such file", e);
        } catch (IOException e) {
            throw new BadInputException(json + ": cannot read: " + OsReason.of(e), e);
        }
        JsonNode root;
        try {
            root = JsonDocument.readOne(MAPPER, bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? ""
                    : ", at line " + at.getLineNr() + " column " + at.getColumnNr();
            throw new BadInputException(json + ": not JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + where + ")", e);
        } catch (IOException e) {
            throw new BadInputException(json + ": cannot read: " + OsReason.of(e), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new BadInputException(json + ": empty file, not JSON");
        }
        return root;
    }

    /**
     * The int a JSON number stands for: {@code 3}, or {@code 3.0} / {@code 3e0} as Python writes an integer that went
     * through a float; empty for a fraction, a value beyond int, or anything that is not a number.
     */
    static OptionalInt integer(JsonNode n) {
        OptionalLong v = JsonWholeNumber.of(n);
        return v.isPresent() && v.getAsLong() == (int) v.getAsLong() ? OptionalInt.of((int) v.getAsLong())
                : OptionalInt.empty();
    }

    /** A value as the file spells it: NaN and Infinity bare, as Python wrote them (Jackson would quote them). */
    static String show(JsonNode n) {
        return n != null && n.isNumber() ? n.asText() : String.valueOf(n);
    }
}
