package dev.optout.check;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code {"results": [...], "summary": {"total": n, "allowed": a, "blocked": b}}} */
public record CheckResponse(List<CheckResult> results, Summary summary) {
    public record Summary(int total, int allowed, int blocked) {
    }

    public static CheckResponse of(List<CheckResult> results) {
        int allowed = (int) results.stream().filter(CheckResult::allowed).count();
        return new CheckResponse(results, new Summary(results.size(), allowed, results.size() - allowed));
    }

    /**
     * Writes the answer as the check's contract has it (results in request order, each field in the
     * order of {@link CheckResult}, absent fields left out, then the summary) with jackson-core's
     * generator: a 10,000-recipient answer streams out without Jackson databind, which the check
     * otherwise never loads.
     */
    public void writeJson(OutputStream out) throws IOException {
        writeJson(out, ResultField.ALL);
    }

    /**
     * Writes the answer with only these fields in each result ({@code allowed} always): what a
     * request's {@code "fields"} asked for. The summary is always there.
     */
    public void writeJson(OutputStream out, Set<ResultField> fields) throws IOException {
        // no auto-closing: an object or array left open is a bug to see, not to paper over
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)) {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (CheckResult r : results) {
                g.writeStartObject();
                stringField(g, fields, ResultField.RECIPIENT, r.recipient());
                stringField(g, fields, ResultField.ADDRESS, r.address());
                g.writeFieldName(ALLOWED);
                g.writeBoolean(r.allowed());
                stringField(g, fields, ResultField.REASON, r.reason() == null ? null : r.reason().name());
                stringField(g, fields, ResultField.SINCE, r.since());
                stringField(g, fields, ResultField.FREQUENCY, r.frequency() == null ? null : r.frequency().name());
                mapField(g, fields, ResultField.HEADERS, r.headers());
                stringField(g, fields, ResultField.PREFERENCES_URL, r.preferencesUrl());
                stringField(g, fields, ResultField.DETAIL, r.detail());
                if (r.complained() != null && fields.contains(ResultField.COMPLAINED)) {
                    g.writeFieldName(NAMES.get(ResultField.COMPLAINED));
                    g.writeBoolean(r.complained());
                }
                mapField(g, fields, ResultField.TAGS, r.tags());
                stringField(g, fields, ResultField.UNTIL, r.until());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("summary");
            g.writeNumberField("total", summary.total());
            g.writeNumberField("allowed", summary.allowed());
            g.writeNumberField("blocked", summary.blocked());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    // Each result repeats the same field names: encoded once here, not once per recipient (the
    // names were most of the answer's serialization time at 10,000 recipients).
    private static final Map<ResultField, SerializableString> NAMES = names();
    private static final SerializableString ALLOWED = new SerializedString(ResultField.ALWAYS);

    private static Map<ResultField, SerializableString> names() {
        Map<ResultField, SerializableString> names = new java.util.EnumMap<>(ResultField.class);
        for (ResultField f : ResultField.values()) {
            names.put(f, new SerializedString(f.jsonName()));
        }
        return names;
    }

    private static void stringField(JsonGenerator g, Set<ResultField> fields, ResultField field, String value) throws IOException {
        if (value != null && fields.contains(field)) {
            g.writeFieldName(NAMES.get(field));
            g.writeString(value);
        }
    }

    private static void mapField(JsonGenerator g, Set<ResultField> fields, ResultField field, Map<String, String> values)
            throws IOException {
        if (values == null || !fields.contains(field)) {
            return;
        }
        g.writeFieldName(NAMES.get(field));
        g.writeStartObject();
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}
