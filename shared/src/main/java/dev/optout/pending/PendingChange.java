package dev.optout.pending;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.json.JsonFields;
import dev.optout.json.LightJson;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
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
        Map<String, Object> n = new LinkedHashMap<>();
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
        n.put("topics", topics);
        return LightJson.write(n);
    }

    /** Parses a queue message body; anything unreadable is an {@link IllegalArgumentException} saying what. */
    public static PendingChange fromJson(String body) {
        Map<String, Object> n;
        try {
            Object parsed = LightJson.parse(body == null ? "" : body);
            if (!(parsed instanceof Map) || !Integer.valueOf(1).equals(((Map<?, ?>) parsed).get("v"))) {
                throw new IllegalArgumentException("not a pending change (version 1)");
            }
            n = JsonFields.object(parsed, "a pending change");
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        try {
            Source source = Source.valueOf(text(n, "source"));
            String tokenIssuedAt = JsonFields.string(n, "tokenIssuedAt");
            Provenance p = new Provenance(source, Instant.parse(text(n, "at")), JsonFields.string(n, "campaignId"),
                    tokenIssuedAt == null ? null : Instant.parse(tokenIssuedAt), Map.of());
            List<String> topics = JsonFields.strings(n, "topics");
            return new PendingChange(text(n, "id"), AddressParser.parse(text(n, "address")), p,
                    JsonFields.bool(n, "unsubscribeAll", false), topics == null ? List.of() : topics);
        } catch (InvalidAddressException | DateTimeParseException | IOException e) {
            throw new IllegalArgumentException("unreadable pending change: " + e.getMessage());
        }
    }

    private static String text(Map<String, Object> n, String field) {
        if (!(n.get(field) instanceof String v)) {
            throw new IllegalArgumentException("pending change without \"" + field + "\"");
        }
        return v;
    }
}
