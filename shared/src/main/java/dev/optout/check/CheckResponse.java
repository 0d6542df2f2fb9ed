package dev.optout.check;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
                stringField(g, "recipient", r.recipient());
                stringField(g, "address", r.address());
                g.writeBooleanField("allowed", r.allowed());
                stringField(g, "reason", r.reason() == null ? null : r.reason().name());
                stringField(g, "since", r.since());
                stringField(g, "frequency", r.frequency() == null ? null : r.frequency().name());
                mapField(g, "headers", r.headers());
                stringField(g, "preferencesUrl", r.preferencesUrl());
                stringField(g, "detail", r.detail());
                if (r.complained() != null) {
                    g.writeBooleanField("complained", r.complained());
                }
                mapField(g, "tags", r.tags());
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

    private static void stringField(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void mapField(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        if (values == null) {
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}
