package dev.optout.json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a JSON object parsed by {@link LightJson} (a {@code Map<String,Object>}): absent
 * or null fields are null (or the given default); a field of the wrong JSON type is an
 * {@link IOException} naming it, so malformed input fails loudly instead of reading as absent.
 */
public final class JsonFields {
    private JsonFields() {
    }

    /** The document itself, which must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object document, String what) throws IOException {
        if (document instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException(what + " is not a JSON object");
    }

    public static String string(Map<String, Object> o, String name) throws IOException {
        Object v = o.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType(name, "a string");
    }

    public static boolean bool(Map<String, Object> o, String name, boolean absent) throws IOException {
        Object v = o.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(name, "true or false");
    }

    public static long integer(Map<String, Object> o, String name, long absent) throws IOException {
        Object v = o.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
            return ((Number) v).longValue();
        }
        throw wrongType(name, "an integer");
    }

    /** A nested object, or null when absent. */
    public static Map<String, Object> object(Map<String, Object> o, String name) throws IOException {
        Object v = o.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?>) {
            return object(v, name);
        }
        throw wrongType(name, "an object");
    }

    /** An array, or null when absent. */
    public static List<Object> array(Map<String, Object> o, String name) throws IOException {
        Object v = o.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw wrongType(name, "an array");
    }

    /** An array of strings, or null when absent. */
    public static List<String> strings(Map<String, Object> o, String name) throws IOException {
        List<Object> l = array(o, name);
        if (l == null) {
            return null;
        }
        List<String> out = new ArrayList<>(l.size());
        for (Object v : l) {
            if (!(v instanceof String s)) {
                throw wrongType(name, "an array of strings");
            }
            out.add(s);
        }
        return out;
    }

    /** An object whose values are strings (headers, attributes), in input order, or null when absent; null values are left out. */
    public static Map<String, String> stringMap(Map<String, Object> o, String name) throws IOException {
        Map<String, Object> m = object(o, name);
        if (m == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!(e.getValue() instanceof String s)) {
                throw wrongType(name + "." + e.getKey(), "a string");
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /** Puts {@code value} under {@code name} unless it is null (writing: absent fields are left out). */
    public static void putIfSet(Map<String, Object> object, String name, Object value) {
        if (value != null) {
            object.put(name, value);
        }
    }

    private static IOException wrongType(String name, String expected) {
        return new IOException("field \"" + name + "\" is not " + expected);
    }
}
