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
        // no auto-closing: an object or array left open is a bug to see, not to paper over
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)) {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (CheckResult r : results) {
                g.writeStartObject();
                stringField(g, RECIPIENT, r.recipient());
                stringField(g, ADDRESS, r.address());
                g.writeFieldName(ALLOWED);
                g.writeBoolean(r.allowed());
                stringField(g, REASON, r.reason() == null ? null : r.reason().name());
                stringField(g, SINCE, r.since());
                stringField(g, FREQUENCY, r.frequency() == null ? null : r.frequency().name());
                mapField(g, HEADERS, r.headers());
                stringField(g, PREFERENCES_URL, r.preferencesUrl());
                stringField(g, DETAIL, r.detail());
                if (r.complained() != null) {
                    g.writeFieldName(COMPLAINED);
                    g.writeBoolean(r.complained());
                }
                mapField(g, TAGS, r.tags());
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
    private static final SerializableString RECIPIENT = new SerializedString("recipient");
    private static final SerializableString ADDRESS = new SerializedString("address");
    private static final SerializableString ALLOWED = new SerializedString("allowed");
    private static final SerializableString REASON = new SerializedString("reason");
    private static final SerializableString SINCE = new SerializedString("since");
    private static final SerializableString FREQUENCY = new SerializedString("frequency");
    private static final SerializableString HEADERS = new SerializedString("headers");
    private static final SerializableString PREFERENCES_URL = new SerializedString("preferencesUrl");
    private static final SerializableString DETAIL = new SerializedString("detail");
    private static final SerializableString COMPLAINED = new SerializedString("complained");
    private static final SerializableString TAGS = new SerializedString("tags");

    private static void stringField(JsonGenerator g, SerializableString name, String value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeString(value);
        }
    }

    private static void mapField(JsonGenerator g, SerializableString name, Map<String, String> values) throws IOException {
        if (values == null) {
            return;
        }
        g.writeFieldName(name);
        g.writeStartObject();
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}
