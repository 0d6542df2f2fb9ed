package dev.optout.events;

import dev.optout.consent.Authority;
import dev.optout.suppression.Action;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.TableLayout;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns the table's new images into change events: a history item (one per change, written in the
 * same transaction as the state) into one address event, a campaign guard item into a pause or
 * resume event. Pure: the address, when events carry it, is looked up by the caller.
 *
 * <p>What each history action becomes:
 * <pre>
 * action                        source/authority                 kind                 reason
 * UNSUBSCRIBE_ALL / _TOPIC      person, provider, import, system OPTED_OUT            PERSON, PERSON_VIA_PROVIDER, IMPORT, SYSTEM
 * UNSUBSCRIBE_ALL / _TOPIC      operator                         SUPPRESSED           OPERATOR
 * RESUBSCRIBE_ALL / SUBSCRIBE   person, provider, system,        OPTED_IN             (the authority)
 *                               operator with consent
 * RESUBSCRIBE_ALL / SUBSCRIBE   operator without consent         SUPPRESSION_LIFTED   OPERATOR
 * HARD_BOUNCE                   any                              SUPPRESSED           HARD_BOUNCE
 * COMPLAINT                     any                              SUPPRESSED           COMPLAINT
 * SOFT_BOUNCE_SUPPRESS          any                              SUPPRESSED           SOFT_BOUNCE_STOP
 * LIFT_BOUNCE                   any                              SUPPRESSION_LIFTED   BOUNCE
 * EXPIRED                       policy (the expiry sweep)        SUPPRESSION_LIFTED   HARD_BOUNCE_EXPIRED, SOFT_BOUNCE_STOP_EXPIRED
 * SET_FREQUENCY                 any                              FREQUENCY_CHANGED    (the authority)
 * FORGET_ADDRESS                any                              ADDRESS_ERASED       ERASURE
 * SOFT_BOUNCE, DELIVERY, SENT_WHILE_SUPPRESSED, SENDER_REJECTION: none (counts and findings, no change of a mark)
 * </pre>
 * A history item whose evidence says {@code outcome: not applied ...} (a change the consent model
 * refused: older than what stands, or from a source without the authority) is not published: it
 * changed nothing, and consumers mirror changes. The caller that sent it learns of it from its own
 * answer (the record API's per-item result).
 */
public final class ChangeEvents {
    /** The history item's evidence key that marks a change recorded but not applied. */
    static final String OUTCOME = "outcome";
    /** What an erasure event tells consumers to do. */
    public static final String DELETE = "DELETE";
    /** The source of systems reporting a person's act through the record API: {@code SYSTEM:<name>}. */
    public static final String SYSTEM_PREFIX = "SYSTEM:";

    private ChangeEvents() {
    }

    /** Whether the item is a history entry (what address events come from). */
    public static boolean isHistory(Map<String, AttributeValue> image) {
        return text(image, TableLayout.PK) != null && text(image, TableLayout.PK).startsWith(TableLayout.ADDRESS_PREFIX)
                && text(image, TableLayout.SK) != null && text(image, TableLayout.SK).startsWith(TableLayout.HISTORY_PREFIX);
    }

    /** Whether the item is a campaign guard item (pause and resume events). */
    public static boolean isGuard(Map<String, AttributeValue> image) {
        return text(image, TableLayout.PK) != null && text(image, TableLayout.PK).startsWith(TableLayout.CAMPAIGN_PREFIX)
                && TableLayout.GUARD_SK.equals(text(image, TableLayout.SK));
    }

    /** The address key a history item belongs to. */
    public static String addressKey(Map<String, AttributeValue> history) {
        return text(history, TableLayout.PK).substring(TableLayout.ADDRESS_PREFIX.length());
    }

    /**
     * The history entry's id: its address key and its sort key's time and suffix, unique in the
     * table and the same every time the entry is read (the stream may deliver a record twice).
     */
    public static String historyId(String addressKey, String sortKey) {
        return addressKey + "/" + sortKey.substring(TableLayout.HISTORY_PREFIX.length());
    }

    /**
     * The event of one history item, if it is a change that events report.
     *
     * @param address the canonical address to carry, or null (hash-only mode, erased, unknown);
     *                never carried by an erasure event
     */
    public static Optional<ChangeEvent> fromHistory(Map<String, AttributeValue> item, String address) {
        if (!isHistory(item)) {
            throw new IllegalArgumentException("not a history item");
        }
        Map<String, String> evidence = new HashMap<>();
        AttributeValue ev = item.get("evidence");
        if (ev != null && ev.hasM()) {
            ev.m().forEach((k, v) -> {
                if (v.s() != null) {
                    evidence.put(k, v.s());
                }
            });
        }
        String outcome = evidence.get(OUTCOME);
        if (outcome != null && outcome.startsWith("not applied")) {
            return Optional.empty();
        }
        Action action = Action.valueOf(text(item, "action"));
        Source source = Source.valueOf(text(item, "src"));
        Instant at = Instant.parse(text(item, "at"));
        String actor = text(item, "actor");
        Authority authority = Authority.of(new Provenance(source, at, null, null, evidence, actor, null));
        String topic = text(item, "topic");
        String scope = topic == null ? "ALL" : "TOPIC";
        ChangeKind kind;
        String reason;
        switch (action) {
            case UNSUBSCRIBE_ALL, UNSUBSCRIBE_TOPIC -> {
                kind = authority.isOperators() ? ChangeKind.SUPPRESSED : ChangeKind.OPTED_OUT;
                reason = authority.isOperators() ? "OPERATOR" : authority.name();
            }
            case RESUBSCRIBE_ALL, SUBSCRIBE_TOPIC -> {
                kind = authority == Authority.OPERATOR ? ChangeKind.SUPPRESSION_LIFTED : ChangeKind.OPTED_IN;
                // a confirmed opt-in is the person's own act: the events' reasons stay as published
                reason = authority == Authority.PERSON_CONFIRMED ? Authority.PERSON.name() : authority.name();
            }
            case HARD_BOUNCE -> {
                kind = ChangeKind.SUPPRESSED;
                reason = "HARD_BOUNCE";
            }
            case COMPLAINT -> {
                kind = ChangeKind.SUPPRESSED;
                reason = "COMPLAINT";
            }
            case SOFT_BOUNCE_SUPPRESS -> {
                kind = ChangeKind.SUPPRESSED;
                reason = "SOFT_BOUNCE_STOP";
            }
            case LIFT_BOUNCE -> {
                kind = ChangeKind.SUPPRESSION_LIFTED;
                reason = "BOUNCE";
            }
            case EXPIRED -> {
                // mail may go again: the check read the expiry already, the sweep's finding tells consumers
                kind = ChangeKind.SUPPRESSION_LIFTED;
                reason = "SOFT_BOUNCE".equals(evidence.get("stop")) ? "SOFT_BOUNCE_STOP_EXPIRED" : "HARD_BOUNCE_EXPIRED";
            }
            case SET_FREQUENCY -> {
                kind = ChangeKind.FREQUENCY_CHANGED;
                reason = authority.name();
            }
            case FORGET_ADDRESS -> {
                kind = ChangeKind.ADDRESS_ERASED;
                reason = "ERASURE";
            }
            default -> {
                return Optional.empty(); // counts and findings change no mark
            }
        }
        String key = addressKey(item);
        boolean erasure = kind == ChangeKind.ADDRESS_ERASED;
        String recorded = text(item, "recordedAt");
        String sourceName = source.name().equals("SYSTEM") && actor != null ? SYSTEM_PREFIX + actor : source.name();
        return Optional.of(new ChangeEvent(historyId(key, text(item, TableLayout.SK)), kind, key,
                erasure ? null : address,
                erasure ? null : scope, erasure ? null : topic, reason, sourceName, at,
                recorded == null ? null : Instant.parse(recorded), text(item, "cmp"),
                action == Action.SET_FREQUENCY ? text(item, "frequency") : null,
                actor, erasure || address == null ? null : text(item, "reason"),
                erasure ? DELETE : null));
    }

    /**
     * The event of a campaign guard item's latest log entry (the guard item is written only to
     * pause or resume, and each write appends one entry). The id names the campaign and the
     * entry's place in the log, so a redelivered record yields the same id.
     */
    public static Optional<ChangeEvent> fromGuard(Map<String, AttributeValue> item) {
        if (!isGuard(item)) {
            throw new IllegalArgumentException("not a campaign guard item");
        }
        AttributeValue log = item.get("log");
        if (log == null || !log.hasL() || log.l().isEmpty()) {
            return Optional.empty();
        }
        List<AttributeValue> entries = log.l();
        Map<String, AttributeValue> last = entries.get(entries.size() - 1).m();
        String action = text(last, "action");
        ChangeKind kind = "PAUSED".equals(action) ? ChangeKind.CAMPAIGN_PAUSED
                : "RESUMED".equals(action) ? ChangeKind.CAMPAIGN_RESUMED : null;
        if (kind == null) {
            return Optional.empty();
        }
        String campaign = text(item, TableLayout.PK).substring(TableLayout.CAMPAIGN_PREFIX.length());
        Instant at = Instant.parse(text(last, "at"));
        String actor = text(last, "actor");
        boolean paused = kind == ChangeKind.CAMPAIGN_PAUSED;
        return Optional.of(new ChangeEvent("campaign/" + campaign + "/" + (entries.size() - 1), kind, null, null, null, null,
                // a pause's reason is the rule that fired; a resume's is the operator's words
                paused ? text(last, "reason") : "OPERATOR", paused ? "CAMPAIGN_GUARD" : "OPERATOR", at, at, campaign, null,
                actor, paused ? null : text(last, "reason"), null));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
