package dev.optout.record;

import dev.optout.json.JsonFields;
import dev.optout.json.LightJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A batch of changes another system records ({@code RecordChangeFunction}):
 * <pre>{@code
 * {"system": "crm",
 *  "changes": [{"id": "crm-4711", "address": "ana@example.com", "action": "OPT_OUT",
 *               "topic": "newsletter", "at": "2026-12-01T10:00:00Z", "evidence": {"channel": "phone"}}]}
 * }</pre>
 * The request as a whole is refused ({@link InvalidRecordRequestException}) when it is not such
 * an object, names no valid system or holds more than {@link #MAX_CHANGES} changes; each change is
 * judged on its own ({@link ChangeRecorder}), so one bad change refuses only itself.
 */
public record RecordRequest(String system, List<Map<String, Object>> changes) {
    /** The most changes per call. */
    public static final int MAX_CHANGES = 1_000;
    /** A system's name: what follows {@code SYSTEM:} in the events and the history's actor. */
    public static final Pattern SYSTEM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public static RecordRequest read(InputStream json) {
        Map<String, Object> o;
        try {
            o = JsonFields.object(LightJson.parse(json), "the request");
        } catch (IOException e) {
            throw new InvalidRecordRequestException("the request is not a JSON object: " + e.getMessage());
        }
        Object system = o.get("system");
        if (!(system instanceof String s) || !SYSTEM_NAME.matcher(s).matches()) {
            throw new InvalidRecordRequestException("\"system\" must name the calling system: 1 to 64 of a-z, 0-9, _ and -,"
                    + " starting with a letter or digit (e.g. \"crm\")");
        }
        Object changes = o.get("changes");
        if (!(changes instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidRecordRequestException("\"changes\" must be a non-empty array");
        }
        if (list.size() > MAX_CHANGES) {
            throw new InvalidRecordRequestException("at most " + MAX_CHANGES + " changes per call, got " + list.size()
                    + ": split the batch");
        }
        List<Map<String, Object>> items = new ArrayList<>(list.size());
        for (Object item : list) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = item instanceof Map<?, ?> ? (Map<String, Object>) item : null;
            items.add(m); // a change that is not an object is refused on its own
        }
        return new RecordRequest(s, items);
    }
}
