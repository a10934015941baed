package dev.mrt2.mil.pkg;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mrt2.mil.MilException;
import dev.mrt2.io.OsReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Manifest.json: the index of a package's items (coreml-mlpackage.md §1.2). We write it in coremltools' exact
 * text form (§1.3: 4-space indent, keys sorted at every level, LF, trailing newline) with the fixed identifiers
 * of §1.4, and read any manifest that follows the schema, checking it as §8.1 lists.
 */
public final class Manifest {
    public static final String FILE_FORMAT_VERSION = "1.0.0";
    public static final String MODEL_ID = ItemIdentifiers.forPath(PackageLayout.MODEL_ITEM_PATH);
    public static final String WEIGHTS_ID = ItemIdentifiers.forPath(PackageLayout.WEIGHTS_ITEM_PATH);

    /** One item: every member is required by coremltools' reader. {@code path} is relative to {@code Data/}. */
    public record Item(String author, String description, String name, String path) {}

    private final SortedMap<String, Item> items;
    private final String rootModelIdentifier;

    public Manifest(SortedMap<String, Item> items, String rootModelIdentifier) {
        this.items = Collections.unmodifiableSortedMap(new TreeMap<>(items));
        this.rootModelIdentifier = rootModelIdentifier;
    }

    /** The manifest of every package we write: the model file and the weights directory. */
    public static Manifest standard() {
        TreeMap<String, Item> items = new TreeMap<>();
        items.put(MODEL_ID, new Item(PackageLayout.AUTHOR, "CoreML Model Specification", "model.mlmodel",
                PackageLayout.MODEL_ITEM_PATH));
        items.put(WEIGHTS_ID, new Item(PackageLayout.AUTHOR, "CoreML Model Weights", PackageLayout.WEIGHTS_ITEM_NAME,
                PackageLayout.WEIGHTS_ITEM_PATH));
        return new Manifest(items, MODEL_ID);
    }

    public SortedMap<String, Item> items() {
        return items;
    }

    public String rootModelIdentifier() {
        return rootModelIdentifier;
    }

    public Item rootItem() {
        return items.get(rootModelIdentifier);
    }

    /** The weights directory item, found like coremltools does: by name and author, not by identifier; or null. */
    public Item weightsItem() {
        for (Item item : items.values()) {
            if (PackageLayout.WEIGHTS_ITEM_NAME.equals(item.name()) && PackageLayout.AUTHOR.equals(item.author())) {
                return item;
            }
        }
        return null;
    }

    /** The exact bytes coremltools' nlohmann::json writer would produce for this content (§1.3). */
    public byte[] toBytes() {
        TreeMap<String, Object> root = new TreeMap<>();
        root.put("fileFormatVersion", FILE_FORMAT_VERSION);
        TreeMap<String, Object> entries = new TreeMap<>();
        for (Map.Entry<String, Item> e : items.entrySet()) {
            TreeMap<String, Object> item = new TreeMap<>();
            item.put("author", e.getValue().author());
            item.put("description", e.getValue().description());
            item.put("name", e.getValue().name());
            item.put("path", e.getValue().path());
            entries.put(e.getKey(), item);
        }
        root.put("itemInfoEntries", entries);
        root.put("rootModelIdentifier", rootModelIdentifier);
        StringBuilder out = new StringBuilder();
        writeObject(out, root, 0);
        out.append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static void writeObject(StringBuilder out, SortedMap<String, Object> object, int depth) {
        if (object.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append("{\n");
        Iterator<Map.Entry<String, Object>> it = object.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Object> e = it.next();
            indent(out, depth + 1);
            writeString(out, e.getKey());
            out.append(": ");
            if (e.getValue() instanceof SortedMap<?, ?> child) {
                writeObject(out, (SortedMap<String, Object>) child, depth + 1);
            } else {
                writeString(out, (String) e.getValue());
            }
            out.append(it.hasNext() ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append('}');
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("    ".repeat(depth));
    }

    // Escapes like Python's json.dumps (ensure_ascii); "/" is not escaped.
    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Parses and checks a manifest's content (§8.1 items 1–6); existence of the items is the package reader's job. */
    public static Manifest parse(byte[] json) {
        ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MilException(PackageLayout.MANIFEST + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MilException(PackageLayout.MANIFEST + ": cannot read: " + OsReason.of(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new MilException(PackageLayout.MANIFEST + ": top level is not a JSON object");
        }
        JsonNode version = root.get("fileFormatVersion");
        if (version == null || !version.isTextual() || !FILE_FORMAT_VERSION.equals(version.asText())) {
            throw new MilException(PackageLayout.MANIFEST + ": fileFormatVersion is " + version + ", expected \"1.0.0\"");
        }
        JsonNode entries = root.get("itemInfoEntries");
        if (entries == null || !entries.isObject()) {
            throw new MilException(PackageLayout.MANIFEST + ": itemInfoEntries is missing or not an object");
        }
        TreeMap<String, Item> items = new TreeMap<>();
        Set<String> nameAuthor = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> it = entries.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Item item = item(e.getKey(), e.getValue());
            if (!nameAuthor.add(item.author() + "/" + item.name())) {
                throw new MilException(PackageLayout.MANIFEST + ": two items named '" + item.name() + "' by '"
                        + item.author() + "'");
            }
            items.put(e.getKey(), item);
        }
        JsonNode rootId = root.get("rootModelIdentifier");
        if (rootId == null || !rootId.isTextual()) {
            throw new MilException(PackageLayout.MANIFEST + ": rootModelIdentifier is missing");
        }
        if (!items.containsKey(rootId.asText())) {
            throw new MilException(PackageLayout.MANIFEST + ": rootModelIdentifier '" + rootId.asText()
                    + "' is not an item of itemInfoEntries");
        }
        return new Manifest(items, rootId.asText());
    }

    private static Item item(String id, JsonNode node) {
        String where = PackageLayout.MANIFEST + ": item '" + id + "'";
        if (id.isEmpty()) {
            throw new MilException(PackageLayout.MANIFEST + ": an item has an empty identifier");
        }
        if (!(node instanceof ObjectNode)) {
            throw new MilException(where + " is not an object");
        }
        String[] values = new String[4];
        String[] keys = {"author", "description", "name", "path"};
        for (int i = 0; i < keys.length; i++) {
            JsonNode v = node.get(keys[i]);
            if (v == null || !v.isTextual()) {
                throw new MilException(where + ": '" + keys[i] + "' is missing or not a string");
            }
            values[i] = v.asText();
        }
        checkItemPath(where, values[3]);
        return new Item(values[0], values[1], values[2], values[3]);
    }

    // Paths are relative to Data/, use '/', and must not climb out of it (§8.1 item 4).
    private static void checkItemPath(String where, String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            throw new MilException(where + ": path '" + path + "' must be relative and use '/'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new MilException(where + ": path '" + path + "' has an empty, '.' or '..' segment");
            }
        }
    }
}
