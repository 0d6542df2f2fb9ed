package dev.optout.pending;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.json.Json;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An opt-out a person made while the suppression table could not take it: written durably to
 * the pending-changes queue, applied later by PendingChangesFunction with the original time and
 * source. Only ever reduces mail: an opt-out of all marketing mail and/or of some topics.
 *
 * <p>The body is JSON ({@link #toJson()}); it holds the address because the table needs it, so
 * the queue is encrypted at rest and its messages are never logged.
 *
 * @param id             the change id: the idempotency key of its application (at most once)
 * @param unsubscribeAll an opt-out of all marketing mail
 * @param topics         topic opt-outs
 */
public record PendingChange(String id, EmailAddress address, Provenance provenance, boolean unsubscribeAll, List<String> topics) {
    /** Sources whose changes may wait in the queue: a person's own opt-out. */
    public static final List<Source> SOURCES = List.of(Source.ONE_CLICK, Source.UNSUBSCRIBE_PAGE, Source.PREFERENCE_CENTER,
            Source.PREFERENCE_API);

    public PendingChange {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(provenance, "provenance");
        topics = List.copyOf(topics);
        if (!SOURCES.contains(provenance.source())) {
            throw new IllegalArgumentException("only a person's own opt-out can wait in the queue, not " + provenance.source());
        }
        if (!unsubscribeAll && topics.isEmpty()) {
            throw new IllegalArgumentException("a pending change must opt out of something");
        }
    }

    /** A new change with a fresh id. */
    public static PendingChange of(EmailAddress address, Provenance provenance, boolean unsubscribeAll, List<String> topics) {
        return new PendingChange(UUID.randomUUID().toString(), address, provenance, unsubscribeAll, topics);
    }

    /** Whether this comes from the preference center (applied by its rules: only real differences). */
    public boolean fromPreferences() {
        Source s = provenance.source();
        return s == Source.PREFERENCE_CENTER || s == Source.PREFERENCE_API;
    }

    public String toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("v", 1);
        n.put("id", id);
        n.put("address", address.value());
        n.put("source", provenance.source().name());
        n.put("at", provenance.at().toString());
        if (provenance.campaignId() != null) {
            n.put("campaignId", provenance.campaignId());
        }
        if (provenance.tokenIssuedAt() != null) {
            n.put("tokenIssuedAt", provenance.tokenIssuedAt().toString());
        }
        n.put("unsubscribeAll", unsubscribeAll);
        topics.forEach(n.putArray("topics")::add);
        return n.toString();
    }

    /** Parses a queue message body; anything unreadable is an {@link IllegalArgumentException} saying what. */
    public static PendingChange fromJson(String body) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || n.path("v").asInt() != 1) {
            throw new IllegalArgumentException("not a pending change (version 1)");
        }
        try {
            Source source = Source.valueOf(text(n, "source"));
            Provenance p = new Provenance(source, Instant.parse(text(n, "at")), n.path("campaignId").textValue(),
                    n.hasNonNull("tokenIssuedAt") ? Instant.parse(n.get("tokenIssuedAt").asText()) : null, Map.of());
            List<String> topics = new ArrayList<>();
            n.path("topics").forEach(t -> topics.add(t.asText()));
            return new PendingChange(text(n, "id"), AddressParser.parse(text(n, "address")), p,
                    n.path("unsubscribeAll").asBoolean(false), topics);
        } catch (InvalidAddressException | DateTimeParseException e) {
            throw new IllegalArgumentException("unreadable pending change: " + e.getMessage());
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("pending change without \"" + field + "\"");
        }
        return v.asText();
    }
}
