package dev.mrt2.convert;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One JSON document, read as Python's {@code json.load} reads a file: text after it (a file appended to, a second
 * document) is refused ("Extra data" there), where Jackson's {@code readTree} would stop at the first and say nothing.
 */
public final class JsonDocument {
    private JsonDocument() {}

    /**
     * The document in {@code bytes} (null for an empty input); a parse error, or text after the document as a
     * {@link JsonParseException} "text after the document" at its line and column.
     */
    public static JsonNode readOne(ObjectMapper mapper, byte[] bytes) throws IOException {
        try (JsonParser parser = mapper.createParser(bytes)) {
            JsonNode root = mapper.readTree(parser);
            if (root != null && !root.isMissingNode() && parser.nextToken() != null) {
                throw new JsonParseException(parser, "text after the document", parser.currentTokenLocation());
            }
            return root;
        }
    }
}
