package dev.optout.suppression;

import static dev.optout.suppression.TableLayout.*;

import dev.optout.consent.Effect;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The history item's layout: one item per change, the proof of what was asked, by whom, when,
 * and what the consent model made of it. Attribute names are stable (the change-event publisher
 * reads them from the table's stream); new ones are only added.
 *
 * <pre>
 * pk = A#key  sk = H#time#suffix
 * action, at, recordedAt, src, topic?, frequency?, cmp?, tokenIssuedAt?, actor?, reason?,
 * evidence (M; a change the model did not apply carries outcome: "not applied: why"),
 * effect (APPLIED, REAFFIRMED, COUNTED, STALE, REFUSED, RECORDED), why
 * </pre>
 */
public final class HistoryCodec {
    /** The model's verdict on the change, and why. */
    public static final String EFFECT = "effect";
    public static final String WHY = "why";
    /** The evidence key under which a change the model did not apply says why. */
    public static final String OUTCOME = "outcome";

    /** Fixed width (always milliseconds), so history sort keys order by time as strings. */
    private static final DateTimeFormatter HISTORY_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private HistoryCodec() {
    }

    /** A sort key: the time of writing, then a suffix that keeps two writers apart. */
    public static String sortKey(Instant time, String suffix) {
        return HISTORY_PREFIX + HISTORY_TIME.format(time.truncatedTo(ChronoUnit.MILLIS)) + "#" + suffix;
    }

    /**
     * The history item of one change.
     *
     * @param verdict what the model made of it ({@code null}: a finding written without the model)
     */
    public static Map<String, AttributeValue> encode(String addressKey, String sortKey, Change change, Instant recordedAt,
                                                     Verdict verdict) {
        Provenance p = change.provenance();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(ADDRESS_PREFIX + addressKey));
        item.put(SK, s(sortKey));
        item.put("action", s(change.action().name()));
        item.put("at", s(p.at().toString()));
        item.put("recordedAt", s(recordedAt.toString()));
        item.put("src", s(p.source().name()));
        if (change.topic() != null) {
            item.put("topic", s(change.topic()));
        }
        if (change.frequency() != null) {
            item.put("frequency", s(change.frequency().name()));
        }
        if (p.campaignId() != null) {
            item.put("cmp", s(p.campaignId()));
        }
        if (p.tokenIssuedAt() != null) {
            item.put("tokenIssuedAt", s(p.tokenIssuedAt().toString()));
        }
        if (p.actor() != null) {
            item.put("actor", s(p.actor()));
        }
        if (p.reason() != null) {
            item.put("reason", s(p.reason()));
        }
        Map<String, String> evidence = new HashMap<>(p.evidence());
        if (verdict != null) {
            item.put(EFFECT, s(verdict.result().name()));
            item.put(WHY, s(verdict.why()));
            if (!verdict.applied()) {
                evidence.putIfAbsent(OUTCOME, "not applied: " + verdict.why());
            }
        }
        if (!evidence.isEmpty()) {
            Map<String, AttributeValue> ev = new HashMap<>();
            evidence.forEach((k, v) -> ev.put(k, s(v)));
            item.put("evidence", AttributeValue.fromM(ev));
        }
        return item;
    }

    public static HistoryEvent decode(Map<String, AttributeValue> item) {
        Map<String, String> evidence = new HashMap<>();
        AttributeValue ev = item.get("evidence");
        if (ev != null && ev.hasM()) {
            ev.m().forEach((k, v) -> evidence.put(k, v.s()));
        }
        return new HistoryEvent(Action.valueOf(item.get("action").s()), Instant.parse(item.get("at").s()),
                Source.valueOf(item.get("src").s()), text(item, "topic"),
                Frequency.parseOrNull(text(item, "frequency")), text(item, "cmp"),
                item.containsKey("tokenIssuedAt") ? Instant.parse(item.get("tokenIssuedAt").s()) : null, evidence,
                text(item, "actor"), text(item, "reason"));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /**
     * What the model made of one change: the strongest of its effects (a change that addresses
     * several slots, an operator's consented resubscribe, changes the state when any one does).
     */
    public record Verdict(Effect.Result result, String why) {
        private static final List<Effect.Result> STRONGEST_FIRST = List.of(Effect.Result.APPLIED, Effect.Result.COUNTED,
                Effect.Result.REAFFIRMED, Effect.Result.STALE, Effect.Result.REFUSED, Effect.Result.RECORDED);

        public static Verdict of(List<Effect> effects) {
            Effect.Result result = STRONGEST_FIRST.stream()
                    .filter(r -> effects.stream().anyMatch(e -> e.result() == r)).findFirst().orElse(Effect.Result.RECORDED);
            List<String> whys = effects.stream().map(Effect::why).toList();
            return new Verdict(result, whys.isEmpty() ? "nothing to change" : String.join("; ", whys));
        }

        /** Whether a newer change of the same slot superseded it (the model found it stale). */
        public boolean stale() {
            return result == Effect.Result.STALE;
        }

        /** Whether the change moved the state; a finding (RECORDED) is no refusal either. */
        public boolean applied() {
            return result != Effect.Result.STALE && result != Effect.Result.REFUSED;
        }
    }
}
