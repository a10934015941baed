package dev.mrt2.safetensors;

import static dev.mrt2.safetensors.SafetensorsException.Kind.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns the JSON header into validated {@link TensorInfo}s, in the order of huggingface/safetensors'
 * {@code read_metadata}: UTF-8, JSON, each entry (dtype, shape, offsets, size), then the layout as a whole
 * (contiguous from 0, no overlaps, no gaps, nothing after the last tensor).
 */
final class HeaderParser {
    static final String METADATA_KEY = "__metadata__";

    /** The parsed header: metadata sorted by key, tensors sorted by name. */
    record Header(SortedMap<String, String> metadata, SortedMap<String, TensorInfo> tensors) {}

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;

    private HeaderParser(Path file) {
        this.file = file;
    }

    /** Parses {@code header} (the n bytes after the length prefix) against a data area of {@code dataSize} bytes. */
    static Header parse(Path file, ByteBuffer header, long dataSize) {
        return new HeaderParser(file).parse(header, dataSize);
    }

    private Header parse(ByteBuffer header, long dataSize) {
        JsonNode root = readJson(decodeUtf8(header));
        if (!root.isObject()) {
            throw SafetensorsException.of(INVALID_JSON, file, "header is a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", expected an object of tensor entries");
        }
        SortedMap<String, String> metadata = new TreeMap<>();
        SortedMap<String, TensorInfo> tensors = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                metadata.putAll(readMetadata(e.getValue()));
            } else {
                tensors.put(e.getKey(), readEntry(e.getKey(), e.getValue(), dataSize));
            }
        }
        checkLayout(new ArrayList<>(tensors.values()), dataSize);
        return new Header(Collections.unmodifiableSortedMap(metadata), Collections.unmodifiableSortedMap(tensors));
    }

    private String decodeUtf8(ByteBuffer header) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(header.duplicate())
                    .toString();
        } catch (CharacterCodingException e) {
            throw SafetensorsException.of(INVALID_UTF8, file, "header is not valid UTF-8", e);
        }
    }

    private JsonNode readJson(String text) {
        JsonParser parser = null;
        try {
            parser = JSON.createParser(text);
            JsonNode root = JSON.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw SafetensorsException.of(INVALID_JSON, file, "header is empty, expected a JSON object");
            }
            return root;
        } catch (StreamReadException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                throw duplicate(parser.getParsingContext());
            }
            throw SafetensorsException.of(INVALID_JSON, file, "header is not valid JSON: " + e.getOriginalMessage()
                    + " at header char " + e.getLocation().getCharOffset(), e);
        } catch (IOException e) {
            throw SafetensorsException.of(INVALID_JSON, file, "header is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The parser stops on the repeated name, so its context says where: top level (a tensor) or inside an entry. */
    private SafetensorsException duplicate(JsonStreamContext ctx) {
        String name = ctx.getCurrentName();
        JsonStreamContext parent = ctx.getParent();
        if (parent == null || parent.inRoot()) {
            return SafetensorsException.of(DUPLICATE_KEY, file, name, "name occurs twice in the header");
        }
        return SafetensorsException.of(DUPLICATE_KEY, file, parent.getCurrentName(),
                "field '" + name + "' occurs twice in its entry");
    }

    private Map<String, String> readMetadata(JsonNode node) {
        if (!node.isObject()) {
            throw SafetensorsException.of(INVALID_JSON, file, METADATA_KEY + " must be an object of strings");
        }
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw SafetensorsException.of(INVALID_JSON, file,
                        METADATA_KEY + " value of '" + e.getKey() + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    // Each entry: {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}
    private TensorInfo readEntry(String name, JsonNode node, long dataSize) {
        if (!node.isObject()) {
            throw SafetensorsException.of(INVALID_JSON, file, name, "entry is not an object");
        }
        DType dtype = readDtype(name, node.get("dtype"));
        List<Long> shape = readShape(name, node.get("shape"));
        long[] offsets = readOffsets(name, node.get("data_offsets"), dataSize);
        TensorInfo info = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        long need;
        try {
            need = info.byteCount();
        } catch (ArithmeticException e) {
            throw SafetensorsException.of(SHAPE_OVERFLOW, file, name, "shape " + shape + " of " + dtype
                    + " overflows a 64-bit byte count");
        }
        if (offsets[1] - offsets[0] != need) {
            throw SafetensorsException.of(SIZE_MISMATCH, file, name, "data_offsets " + range(info) + " but "
                    + dtype + " " + shape + " needs " + need + " bytes");
        }
        return info;
    }

    private DType readDtype(String name, JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw SafetensorsException.of(INVALID_JSON, file, name, "missing string field 'dtype'");
        }
        return DType.parse(node.textValue()).orElseThrow(() -> SafetensorsException.of(UNSUPPORTED_DTYPE, file, name,
                "unknown dtype '" + node.textValue() + "'"));
    }

    private List<Long> readShape(String name, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw SafetensorsException.of(INVALID_JSON, file, name, "missing array field 'shape'");
        }
        List<Long> shape = new ArrayList<>(node.size());
        for (JsonNode d : node) {
            if (!d.isIntegralNumber()) {
                throw SafetensorsException.of(INVALID_SHAPE, file, name, "shape " + node + " has a non-integer dimension");
            }
            if (d.bigIntegerValue().signum() < 0) {
                throw SafetensorsException.of(INVALID_SHAPE, file, name, "shape " + node + " has a negative dimension");
            }
            if (!d.canConvertToLong()) {
                throw SafetensorsException.of(SHAPE_OVERFLOW, file, name, "shape " + node
                        + " has a dimension beyond 64 bits");
            }
            shape.add(d.longValue());
        }
        return shape;
    }

    private long[] readOffsets(String name, JsonNode node, long dataSize) {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw SafetensorsException.of(INVALID_JSON, file, name, "missing field 'data_offsets' of two integers");
        }
        long[] o = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || v.bigIntegerValue().signum() < 0 || !v.canConvertToLong()) {
                throw SafetensorsException.of(INVALID_OFFSETS, file, name, "data_offsets " + node
                        + " are not two non-negative 64-bit integers");
            }
            o[i] = v.longValue();
        }
        if (o[0] > o[1]) {
            throw SafetensorsException.of(INVALID_OFFSETS, file, name, "data_offsets [" + o[0] + ", " + o[1]
                    + ") end before they begin");
        }
        if (o[1] > dataSize) {
            throw SafetensorsException.of(INVALID_OFFSETS, file, name, "data_offsets [" + o[0] + ", " + o[1]
                    + ") outside the data area of " + dataSize + " bytes");
        }
        return o;
    }

    // Sorted by offset, tensors must tile [0, dataSize) exactly: each begins where the previous ended.
    private void checkLayout(List<TensorInfo> tensors, long dataSize) {
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end)
                .thenComparing(TensorInfo::name));
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo t : tensors) {
            if (t.begin() < expected) {
                throw SafetensorsException.of(OVERLAP, file, t.name(), "data_offsets " + range(t)
                        + " overlap tensor '" + previous.name() + "' " + range(previous));
            }
            if (t.begin() > expected) {
                throw SafetensorsException.of(GAP, file, t.name(), "data_offsets " + range(t) + " leave bytes ["
                        + expected + ", " + t.begin() + ") owned by no tensor");
            }
            expected = t.end();
            previous = t;
        }
        if (expected != dataSize) {
            throw SafetensorsException.of(TRAILING_BYTES, file, (dataSize - expected) + " bytes after the last tensor (data area "
                    + dataSize + " bytes, tensors end at " + expected + ")");
        }
    }

    private static String range(TensorInfo t) {
        return "[" + t.begin() + ", " + t.end() + ")";
    }
}
