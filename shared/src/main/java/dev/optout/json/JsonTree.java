package dev.optout.json;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only JSON tree over {@link LightJson}'s parse (jackson-core's streaming parser), with the
 * navigation of Jackson's {@code JsonNode} that the event parsers use ({@code path}, {@code get},
 * {@code asText}, ...) and the same answers: the SES feedback, SNS envelope and SES receipt parsers
 * read their events without Jackson databind, which would be some 300 classes of every cold start.
 * A missing field is the {@link #MISSING} node, a JSON null a node for which {@link #isNull()} holds.
 */
public final class JsonTree implements Iterable<JsonTree> {
    /** What {@link #path} answers for a field or element that is not there. */
    public static final JsonTree MISSING = new JsonTree(null, true);
    private static final JsonTree NULL = new JsonTree(null, false);

    private final Object value;
    private final boolean missing;

    private JsonTree(Object value, boolean missing) {
        this.value = value;
        this.missing = missing;
    }

    public static JsonTree parse(String json) throws IOException {
        return of(LightJson.parse(json));
    }

    public static JsonTree parse(InputStream json) throws IOException {
        return of(LightJson.parse(json));
    }

    private static JsonTree of(Object value) {
        return value == null ? NULL : new JsonTree(value, false);
    }

    /** The field's node, or null when this is not an object or has no such field (as {@code JsonNode.get}). */
    public JsonTree get(String field) {
        if (value instanceof Map<?, ?> m && m.containsKey(field)) {
            return of(m.get(field));
        }
        return null;
    }

    /** The element's node, or null when this is not an array or has no such element. */
    public JsonTree get(int index) {
        if (value instanceof List<?> l && index >= 0 && index < l.size()) {
            return of(l.get(index));
        }
        return null;
    }

    /** As {@link #get(String)}, with {@link #MISSING} instead of null. */
    public JsonTree path(String field) {
        JsonTree v = get(field);
        return v == null ? MISSING : v;
    }

    public boolean has(String field) {
        return get(field) != null;
    }

    public boolean hasNonNull(String field) {
        JsonTree v = get(field);
        return v != null && !v.isNull();
    }

    public boolean isMissingNode() {
        return missing;
    }

    public boolean isNull() {
        return value == null && !missing;
    }

    public boolean isObject() {
        return value instanceof Map;
    }

    public boolean isArray() {
        return value instanceof List;
    }

    public boolean isContainerNode() {
        return isObject() || isArray();
    }

    public boolean isValueNode() {
        return !missing && !isContainerNode();
    }

    public boolean isTextual() {
        return value instanceof String;
    }

    public boolean isBoolean() {
        return value instanceof Boolean;
    }

    public boolean isNumber() {
        return value instanceof Number;
    }

    /** Elements of an array or fields of an object; 0 for anything else. */
    public int size() {
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        return value instanceof List<?> l ? l.size() : 0;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The text of a string; null for anything else (as {@code JsonNode.textValue}). */
    public String textValue() {
        return value instanceof String s ? s : null;
    }

    /** A value node as text (numbers and booleans in JSON's spelling, null as "null"); "" for containers and missing nodes. */
    public String asText() {
        if (missing || isContainerNode()) {
            return "";
        }
        return value == null ? "null" : String.valueOf(value);
    }

    /** As {@link #asText()}, or {@code otherwise} for a missing node and for JSON null. */
    public String asText(String otherwise) {
        return missing || value == null ? otherwise : asText();
    }

    /** A boolean, an integral number (not 0: true), the string "true"/"false", or {@code otherwise}. */
    public boolean asBoolean(boolean otherwise) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
            return ((Number) value).longValue() != 0; // as Jackson's integral nodes
        }
        if (value instanceof String s) {
            String t = s.trim();
            if (t.equals("true")) {
                return true;
            }
            if (t.equals("false")) {
                return false;
            }
        }
        return otherwise;
    }

    public boolean asBoolean() {
        return asBoolean(false);
    }

    public boolean booleanValue() {
        return Boolean.TRUE.equals(value);
    }

    /** A number, a string holding an integer, or a boolean (1 or 0), as int; 0 otherwise. */
    public int asInt() {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** The elements of an array (nothing for anything else), as {@code for (JsonNode e : node)}. */
    @Override
    public Iterator<JsonTree> iterator() {
        if (value instanceof Map<?, ?> m) {
            List<JsonTree> values = new ArrayList<>(m.size());
            m.values().forEach(v -> values.add(of(v)));
            return values.iterator();
        }
        if (!(value instanceof List<?> l)) {
            return Collections.emptyIterator();
        }
        List<JsonTree> elements = new ArrayList<>(l.size());
        l.forEach(v -> elements.add(of(v)));
        return elements.iterator();
    }

    /** The fields of an object in document order (nothing for anything else). */
    public Iterator<Map.Entry<String, JsonTree>> fields() {
        if (!(value instanceof Map<?, ?> m)) {
            return Collections.emptyIterator();
        }
        Map<String, JsonTree> fields = new LinkedHashMap<>();
        m.forEach((k, v) -> fields.put(String.valueOf(k), of(v)));
        return fields.entrySet().iterator();
    }

    /** The node as JSON text (missing: ""). */
    @Override
    public String toString() {
        return missing ? "" : LightJson.write(value);
    }
}
