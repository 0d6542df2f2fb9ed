package dev.optout.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON with jackson-core's streaming parser and generator only, as plain maps, lists, strings,
 * numbers and booleans. For the small documents read at init (link keys, the topic catalog) and the
 * log lines: it keeps Jackson databind (some 400 classes, the largest single cost of a cold start
 * here) off the paths that do not otherwise need it. {@link Json#MAPPER} stays for the request and
 * event shapes that bind to classes.
 */
public final class LightJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private LightJson() {
    }

    /** The value of a JSON text: {@code Map<String,Object>}, {@code List<Object>}, String, Number, Boolean or null. */
    public static Object parse(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return readWhole(p);
        }
    }

    /** As {@link #parse(String)}, from UTF-8 bytes (a Lambda payload), read to the end and closed. */
    public static Object parse(InputStream json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return readWhole(p);
        }
    }

    private static Object readWhole(JsonParser p) throws IOException {
        if (p.nextToken() == null) {
            throw new IOException("no JSON value");
        }
        Object value = read(p);
        if (p.nextToken() != null) {
            throw new IOException("text after the JSON value");
        }
        return value;
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, read(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getNumberValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + t);
        }
    }

    /** As {@link #write(Object)}, as UTF-8 to a stream (a Lambda response), which is flushed, not closed. */
    public static void write(Object value, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            write(g, value);
        }
    }

    /** One line of JSON for maps, iterables, strings, numbers, booleans and null; anything else as its string. */
    public static String write(Object value) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else {
            g.writeString(String.valueOf(v));
        }
    }
}
