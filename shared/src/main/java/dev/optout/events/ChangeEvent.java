package dev.optout.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One change event: what changed for one address (or one campaign), when, from which source and
 * why. {@link #detail()} is the EventBridge detail (schema {@code docs/api/events/v1}).
 *
 * @param id          stable: the history entry's id (or the campaign log entry's), for deduplication
 * @param kind        the detail-type
 * @param addressKey  the keyed hash of the address (the table's key), null for campaign events
 * @param address     the canonical address, null in hash-only mode, once erased, and always for an erasure
 * @param scope       {@code ALL} or {@code TOPIC} (address events), null for campaign events
 * @param topic       the topic when the scope is {@code TOPIC}
 * @param reason      a code: why (see {@link ChangeEvents})
 * @param source      where the change came from ({@code ONE_CLICK}, {@code SES_BOUNCE}, {@code SYSTEM:crm}, ...)
 * @param at          when the change took effect (the person's act, the bounce)
 * @param recordedAt  when optout wrote it
 * @param campaignId  the campaign where known
 * @param frequency   the chosen frequency ({@code FREQUENCY_CHANGED}); null for "follow the overall one"
 * @param actor       who made an operator, import or system change
 * @param note        the operator's words (address events in full mode only: free text may name the address)
 * @param instruction {@code DELETE} for an erasure: delete every copy held under {@code addressKey}
 */
public record ChangeEvent(String id, ChangeKind kind, String addressKey, String address, String scope, String topic,
                          String reason, String source, Instant at, Instant recordedAt, String campaignId, String frequency,
                          String actor, String note, String instruction) {
    /** The version of the detail's schema ({@code docs/api/events/v1}). */
    public static final String SCHEMA_VERSION = "1";
    /** The EventBridge {@code source} of every event. */
    public static final String EVENT_SOURCE = "dev.optout";

    public ChangeEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        if (kind == ChangeKind.ADDRESS_ERASED && address != null) {
            throw new IllegalArgumentException("an erasure event never carries the address");
        }
    }

    /** The event's detail, fields in a fixed order, absent fields left out. */
    public Map<String, Object> detail() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", SCHEMA_VERSION);
        d.put("id", id);
        d.put("type", kind.name());
        put(d, "address", address);
        put(d, "addressKey", addressKey);
        put(d, "scope", scope);
        put(d, "topic", topic);
        put(d, "reason", reason);
        put(d, "source", source);
        d.put("at", at.toString());
        put(d, "recordedAt", recordedAt == null ? null : recordedAt.toString());
        put(d, "campaignId", campaignId);
        put(d, "frequency", frequency);
        put(d, "actor", actor);
        put(d, "note", note);
        put(d, "instruction", instruction);
        return d;
    }

    /** {@link #detail()} as one line of JSON. */
    public String detailJson() {
        return dev.optout.json.LightJson.write(detail());
    }

    private static void put(Map<String, Object> d, String name, Object value) {
        if (value != null) {
            d.put(name, value);
        }
    }
}
