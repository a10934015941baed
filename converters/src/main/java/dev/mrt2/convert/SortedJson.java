package dev.mrt2.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON layout of every sidecar we write: keys sorted, two-space indent, one array element per line,
 * {@code ": "} between key and value, trailing newline (Python's {@code json.dumps(indent=2, sort_keys=True)}).
 * Same value, same bytes, on every JDK: numbers are written by Jackson's own shortest-decimal writer, not by
 * {@code Double.toString}, whose digits changed in Java 19 (Java 17 writes 2^-24 as 5.9604644775390625E-8, later JDKs
 * as 5.960464477539063E-8).
 */
public final class SortedJson {
    private SortedJson() {}

    private static final ObjectWriter WRITER = JsonMapper.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build()
            .writer(printer());

    private static DefaultPrettyPrinter printer() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter p = new DefaultPrettyPrinter(separators);
        p.indentArraysWith(indenter);
        p.indentObjectsWith(indenter);
        return p;
    }

    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName() + ": " + e, e);
        }
    }
}
