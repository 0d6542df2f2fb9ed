package dev.optout.topic;

import java.util.Map;

/**
 * A kind of marketing mail a sender offers, e.g. {@code newsletter}. Names and descriptions are
 * per language ({@code en}, {@code id}).
 */
public record Topic(String id, boolean defaultSubscribed, Map<String, String> name, Map<String, String> description) {
    public Topic {
        name = Map.copyOf(name);
        description = Map.copyOf(description);
    }

    public String name(String language) {
        return name.getOrDefault(language, name.getOrDefault("en", id));
    }

    public String description(String language) {
        return description.getOrDefault(language, description.getOrDefault("en", ""));
    }
}
