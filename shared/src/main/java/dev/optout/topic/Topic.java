package dev.optout.topic;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A kind of marketing mail a sender offers, e.g. {@code newsletter}. Names and descriptions are
 * per language ({@code en}, {@code id}).
 *
 * @param consent the consent a marketing send to the topic needs ({@code consent} in the catalog)
 */
public record Topic(String id, boolean defaultSubscribed, Map<String, String> name, Map<String, String> description,
                    Consent consent) {
    /** The consent a topic needs before marketing mail about it may be sent. */
    public enum Consent {
        /** The person's opt-in, confirmed from their mailbox (double opt-in): the check answers {@code NOT_CONFIRMED} otherwise. */
        CONFIRMED,
        /** The person's opt-in, from any of their own channels (single opt-in). */
        SINGLE,
        /** No opt-in: the topic is on unless the person turns it off. */
        NONE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Topic {
        name = Map.copyOf(name);
        description = Map.copyOf(description);
        Objects.requireNonNull(consent, "consent");
    }

    /** A topic whose consent follows its default: {@code none} when on by default, else {@code single}. */
    public Topic(String id, boolean defaultSubscribed, Map<String, String> name, Map<String, String> description) {
        this(id, defaultSubscribed, name, description, defaultSubscribed ? Consent.NONE : Consent.SINGLE);
    }

    public String name(String language) {
        return name.getOrDefault(language, name.getOrDefault("en", id));
    }

    public String description(String language) {
        return description.getOrDefault(language, description.getOrDefault("en", ""));
    }

    /** Whether a marketing send needs the person's confirmed opt-in. */
    public boolean needsConfirmation() {
        return consent == Consent.CONFIRMED;
    }
}
