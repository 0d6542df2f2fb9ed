package dev.optout.topic;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.json.LightJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The topics a sender offers. Operators edit {@code config/topics.json} (bundled into every
 * function jar at build time) or set {@code TOPIC_CATALOG} to inline JSON or to a file path, with
 * no code change.
 */
public final class TopicCatalog {
    /** Topic ids go into attribute names and URLs: keep them plain. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,47}");
    private static final String BUNDLED = "/optout/topics.json";
    /**
     * A preference save is one transaction of at most 98 changes (SuppressionStore): per topic a
     * choice and a frequency, plus the overall frequency and the all-mail choice.
     */
    public static final int MAX_TOPICS = 48;

    private final Map<String, Topic> topics;

    public TopicCatalog(List<Topic> topics) {
        Map<String, Topic> byId = new LinkedHashMap<>();
        for (Topic t : topics) {
            if (!ID.matcher(t.id()).matches()) {
                throw new ConfigurationException("topic id '" + t.id() + "' must match " + ID.pattern());
            }
            if (byId.put(t.id(), t) != null) {
                throw new ConfigurationException("topic id '" + t.id() + "' appears twice in the catalog");
            }
        }
        if (byId.isEmpty()) {
            throw new ConfigurationException("the topic catalog is empty");
        }
        if (byId.size() > MAX_TOPICS) {
            throw new ConfigurationException("the topic catalog has " + byId.size() + " topics; at most " + MAX_TOPICS
                    + " (a preference save must fit one DynamoDB transaction)");
        }
        this.topics = Collections.unmodifiableMap(byId);
    }

    /** Loads from {@code TOPIC_CATALOG} (inline JSON or a path) or the bundled catalog. */
    public static TopicCatalog load(Settings settings) {
        Optional<String> configured = settings.optional(Settings.TOPIC_CATALOG);
        if (configured.isPresent()) {
            String value = configured.get();
            if (value.startsWith("{")) {
                return parse(value, Settings.TOPIC_CATALOG);
            }
            try {
                return parse(Files.readString(Path.of(value)), value);
            } catch (IOException e) {
                throw new ConfigurationException("cannot read topic catalog " + value + ": " + e.getMessage(), e);
            }
        }
        return bundled();
    }

    public static TopicCatalog bundled() {
        try (InputStream in = TopicCatalog.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new ConfigurationException("no bundled topic catalog at " + BUNDLED);
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), BUNDLED);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read bundled topic catalog", e);
        }
    }

    public static TopicCatalog parse(String json, String origin) {
        Object root;
        try {
            root = LightJson.parse(json);
        } catch (IOException e) {
            throw new ConfigurationException("topic catalog " + origin + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> r) || !(r.get("topics") instanceof List<?> list)) {
            throw new ConfigurationException("topic catalog " + origin + " needs a \"topics\" array");
        }
        List<Topic> topics = new ArrayList<>();
        for (Object item : list) {
            Map<?, ?> t = item instanceof Map<?, ?> m ? m : Map.of();
            String id = t.get("id") instanceof String s ? s : "";
            boolean defaultSubscribed = !(t.get("defaultSubscribed") instanceof Boolean b) || b;
            topics.add(new Topic(id, defaultSubscribed, texts(t.get("name")), texts(t.get("description")),
                    consent(id, t.get("consent"), defaultSubscribed, origin)));
        }
        return new TopicCatalog(topics);
    }

    /**
     * {@code "consent": "confirmed" | "single" | "none"}; absent: {@code none} for a topic on by
     * default, {@code single} for an opt-in topic. A topic on by default cannot need an opt-in.
     */
    private static Topic.Consent consent(String id, Object value, boolean defaultSubscribed, String origin) {
        if (value == null) {
            return defaultSubscribed ? Topic.Consent.NONE : Topic.Consent.SINGLE;
        }
        Topic.Consent c = null;
        for (Topic.Consent candidate : Topic.Consent.values()) {
            if (candidate.id().equals(value)) {
                c = candidate;
            }
        }
        if (c == null) {
            throw new ConfigurationException("topic catalog " + origin + ": topic '" + id
                    + "' has consent '" + value + "'; use confirmed, single or none");
        }
        if (defaultSubscribed && c != Topic.Consent.NONE) {
            throw new ConfigurationException("topic catalog " + origin + ": topic '" + id + "' is on by default "
                    + "(defaultSubscribed) yet needs " + c.id() + " consent: set \"defaultSubscribed\": false for it");
        }
        return c;
    }

    private static Map<String, String> texts(Object node) {
        Map<String, String> m = new LinkedHashMap<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> m.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return m;
    }

    public Optional<Topic> find(String id) {
        return Optional.ofNullable(id == null ? null : topics.get(id));
    }

    /** The topic, or an {@link UnknownTopicException} naming the ones on offer. */
    public Topic require(String id) {
        Topic t = id == null ? null : topics.get(id);
        if (t == null) {
            throw new UnknownTopicException(String.valueOf(id), topics.keySet());
        }
        return t;
    }

    public List<Topic> all() {
        return List.copyOf(topics.values());
    }
}
