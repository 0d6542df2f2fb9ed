package dev.optout.preferences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.json.Json;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The preference center's JSON API format, for apps that show these settings in their own
 * notification screen.
 *
 * <p>Update ({@code PUT}), every field optional, absent means "leave as it is":
 * <pre>
 * {"topics": {"newsletter": false, "events": true},
 *  "frequency": "WEEKLY",
 *  "topicFrequency": {"promotions": "MONTHLY"},
 *  "receiveMarketing": true}
 * </pre>
 * Anything else (unknown fields, wrong types) is refused as {@code MALFORMED}, an unknown
 * frequency as {@code UNKNOWN_FREQUENCY}; unknown topics are refused by the center itself.
 *
 * <p>State ({@code GET}, and the answer to a {@code PUT}): see {@link #state}.
 */
public final class PreferenceJson {
    private static final Set<String> FIELDS = Set.of("topics", "frequency", "topicFrequency", "receiveMarketing", "version");

    private PreferenceJson() {
    }

    /** Reads an update; {@link PreferenceException} with {@code MALFORMED} or {@code UNKNOWN_FREQUENCY} when it is not one. */
    public static PreferenceUpdate parseUpdate(String json) {
        JsonNode root;
        try {
            root = json == null || json.isBlank() ? null : Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw malformed("the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw malformed("the body must be a JSON object such as {\"topics\":{\"newsletter\":false}}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw malformed("unknown field '" + f + "' (expected topics, frequency, topicFrequency, receiveMarketing, version)");
            }
        }
        Map<String, Boolean> topics = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object(root, "topics").entrySet()) {
            if (!e.getValue().isBoolean()) {
                throw malformed("topics." + e.getKey() + " must be true or false");
            }
            topics.put(e.getKey(), e.getValue().booleanValue());
        }
        Map<String, Frequency> topicFrequency = new LinkedHashMap<>();
        java.util.Set<String> sameAsOverall = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> e : object(root, "topicFrequency").entrySet()) {
            if (e.getValue().isNull()) {
                sameAsOverall.add(e.getKey()); // null: the topic follows the overall frequency again
            } else {
                topicFrequency.put(e.getKey(), frequency(e.getValue(), "topicFrequency." + e.getKey()));
            }
        }
        Frequency frequency = root.has("frequency") ? frequency(root.get("frequency"), "frequency") : null;
        Boolean receive = null;
        if (root.has("receiveMarketing")) {
            if (!root.get("receiveMarketing").isBoolean()) {
                throw malformed("receiveMarketing must be true or false");
            }
            receive = root.get("receiveMarketing").booleanValue();
        }
        Long version = null;
        if (root.has("version")) {
            JsonNode v = root.get("version");
            if (!v.canConvertToLong() || !v.isIntegralNumber() || v.longValue() < 0) {
                throw malformed("version must be the whole number the state was read at (its \"version\")");
            }
            version = v.longValue();
        }
        return new PreferenceUpdate(topics, topicFrequency, sameAsOverall, frequency, receive, version);
    }

    /**
     * The state as JSON, topic names and descriptions in {@code language}:
     * <pre>
     * {"address": "a***@example.com",
     *  "version": 7,
     *  "status": {"receiving": false, "reason": "UNSUBSCRIBED", "since": "2026-11-20T09:30:00Z", "canResume": true},
     *  "frequency": "WEEKLY",
     *  "topics": {"newsletter": {"name": "Newsletter", "description": "...", "chosen": true,
     *                            "frequency": "MONTHLY", "ownFrequency": true, "needsConfirming": false}, ...},
     *  "history": [{"action": "UNSUBSCRIBE_ALL", "at": "...", "source": "PREFERENCE_CENTER"}, ...]}
     * </pre>
     * {@code reason} is one of UNSUBSCRIBED, COMPLAINED, SOFT_BOUNCED, BOUNCED (absent while
     * receiving); {@code detail} (bounce subtype, complaint type) when known; {@code until} when the
     * stop expires by policy (a bounce), after which mail may go again.
     */
    public static ObjectNode state(Preferences p, String language) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("address", p.maskedAddress());
        root.put("version", p.state().version());
        ObjectNode status = root.putObject("status");
        MailStatus s = p.status();
        status.put("receiving", s.receiving());
        if (!s.receiving()) {
            status.put("reason", s.kind().name());
            if (s.since() != null) {
                status.put("since", s.since().toString());
            }
            if (s.detail() != null) {
                status.put("detail", s.detail());
            }
            if (s.until() != null) {
                status.put("until", s.until().toString());
            }
        }
        status.put("canResume", s.canResume());
        root.put("frequency", p.frequency().name());
        ObjectNode topics = root.putObject("topics");
        for (Preferences.TopicChoice c : p.topics()) {
            ObjectNode t = topics.putObject(c.topic().id());
            t.put("name", c.topic().name(language));
            t.put("description", c.topic().description(language));
            t.put("chosen", c.chosen());
            t.put("frequency", c.frequency().name());
            t.put("ownFrequency", c.explicitFrequency());
            // chosen, but the topic needs confirmed consent and the opt-in was not confirmed by mail (NOT_CONFIRMED)
            t.put("needsConfirming", c.needsConfirming());
        }
        ArrayNode history = root.putArray("history");
        for (HistoryEvent h : p.history()) {
            ObjectNode e = history.addObject();
            e.put("action", h.action().name());
            e.put("at", h.at().toString());
            e.put("source", h.source().name());
            if (h.topic() != null) {
                e.put("topic", h.topic());
            }
            if (h.frequency() != null) {
                e.put("frequency", h.frequency().name());
            }
        }
        return root;
    }

    /**
     * The answer (202) to a save whose opt-outs wait in the queue of pending changes:
     * {@code {"pending": true, "message": "...", "changes": [{"action": "UNSUBSCRIBE_TOPIC", "topic": "promotions"}]}}.
     */
    public static String pending(java.util.List<dev.optout.suppression.Change> queued) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("pending", true);
        n.put("message", "our records cannot be reached just now: these opt-outs are recorded and take effect within "
                + "minutes; nothing else in the update was saved, retry it later");
        var changes = n.putArray("changes");
        queued.forEach(c -> {
            ObjectNode o = changes.addObject().put("action", c.action().name());
            if (c.topic() != null) {
                o.put("topic", c.topic());
            }
        });
        return n.toString();
    }

    private static Map<String, JsonNode> object(JsonNode root, String field) {
        if (!root.has(field)) {
            return Map.of();
        }
        JsonNode n = root.get(field);
        if (!n.isObject()) {
            throw malformed(field + " must be an object of topic ids");
        }
        Map<String, JsonNode> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private static Frequency frequency(JsonNode n, String where) {
        if (!n.isTextual()) {
            throw malformed(where + " must be one of IMMEDIATE, WEEKLY, MONTHLY");
        }
        Frequency f = Frequency.parseOrNull(n.asText());
        if (f == null) {
            throw new PreferenceException(PreferenceException.Code.UNKNOWN_FREQUENCY,
                    where + ": unknown frequency '" + n.asText() + "' (expected IMMEDIATE, WEEKLY or MONTHLY)");
        }
        return f;
    }

    private static PreferenceException malformed(String message) {
        return new PreferenceException(PreferenceException.Code.MALFORMED, message);
    }
}
