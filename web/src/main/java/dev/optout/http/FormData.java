package dev.optout.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fields of a submitted form, in order, from {@code application/x-www-form-urlencoded} or
 * {@code multipart/form-data} (RFC 7578). Mail clients send the RFC 8058 one-click body in either.
 * Only text fields are kept; file parts are ignored.
 */
public final class FormData {
    private final Map<String, List<String>> fields;

    private FormData(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    public static FormData empty() {
        return new FormData(Map.of());
    }

    /** The first value of a field. */
    public Optional<String> first(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    public Set<String> names() {
        return fields.keySet();
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** Parses a body by its Content-Type (absent means urlencoded, as some clients send). */
    public static FormData parse(String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.strip();
        String mime = MediaType.essence(type);
        if (mime.isEmpty() || mime.equals("application/x-www-form-urlencoded")) {
            return urlEncoded(new String(body, StandardCharsets.UTF_8));
        }
        if (mime.equals("multipart/form-data")) {
            String boundary = parameter(type, "boundary")
                    .orElseThrow(() -> new HttpRequestException(400, "multipart/form-data without a boundary"));
            return multipart(body, boundary);
        }
        throw new HttpRequestException(415, "unsupported form type " + mime);
    }

    /** {@code a=1&b=two+words}; {@code +} is a space, %XX are UTF-8 bytes. */
    public static FormData urlEncoded(String body) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return new FormData(m);
        }
        for (String pair : body.strip().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            m.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return freeze(m);
    }

    /** RFC 7578 multipart/form-data: one part per field, named by Content-Disposition. */
    public static FormData multipart(byte[] body, String boundary) {
        // ISO-8859-1 maps bytes 1:1 to chars, so the split keeps bytes intact for UTF-8 decoding below.
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        int start = text.indexOf(delimiter);
        if (start < 0) {
            throw new HttpRequestException(400, "multipart body does not contain its boundary");
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        int pos = start + delimiter.length();
        while (true) {
            if (text.startsWith("--", pos)) {
                break; // closing delimiter
            }
            pos = skipLineEnd(text, pos);
            int next = text.indexOf("\r\n" + delimiter, pos);
            int nextLf = text.indexOf("\n" + delimiter, pos);
            int end;
            int after;
            if (next >= 0 && (nextLf < 0 || next <= nextLf)) {
                end = next;
                after = next + 2 + delimiter.length();
            } else if (nextLf >= 0) {
                end = nextLf;
                after = nextLf + 1 + delimiter.length();
            } else {
                throw new HttpRequestException(400, "multipart body is not closed");
            }
            readPart(text.substring(pos, end), m);
            pos = after;
            if (pos >= text.length()) {
                break;
            }
        }
        return freeze(m);
    }

    private static void readPart(String part, Map<String, List<String>> m) {
        int split = part.indexOf("\r\n\r\n");
        int skip = 4;
        if (split < 0) {
            split = part.indexOf("\n\n");
            skip = 2;
        }
        if (split < 0) {
            throw new HttpRequestException(400, "multipart part without headers");
        }
        String name = null;
        boolean file = false;
        for (String line : part.substring(0, split).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
                String value = line.substring(colon + 1);
                name = parameter(value, "name").orElse(null);
                file = parameter(value, "filename").isPresent();
            }
        }
        if (name == null) {
            throw new HttpRequestException(400, "multipart part without a field name");
        }
        if (!file) {
            String value = new String(part.substring(split + skip).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            m.computeIfAbsent(utf8(name), k -> new ArrayList<>()).add(value);
        }
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static int skipLineEnd(String text, int pos) {
        if (text.startsWith("\r\n", pos)) {
            return pos + 2;
        }
        if (text.startsWith("\n", pos)) {
            return pos + 1;
        }
        return pos;
    }

    /** A parameter of a header value: {@code boundary} of {@code multipart/form-data; boundary="x"}. */
    static Optional<String> parameter(String headerValue, String name) {
        for (String p : headerValue.split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isEmpty() ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpRequestException(400, "the form is not properly encoded");
        }
    }

    private static FormData freeze(Map<String, List<String>> m) {
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        m.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new FormData(Collections.unmodifiableMap(frozen));
    }
}
