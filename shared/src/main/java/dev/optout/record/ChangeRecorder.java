package dev.optout.record;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.consent.ConsentModel;
import dev.optout.consent.ConsentReplay;
import dev.optout.consent.ConsentState;
import dev.optout.consent.Outcome;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StaleStateException;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the changes another system reports, one by one, through the same rules as every
 * other change: source {@link Source#SYSTEM} with the system as actor, placed by the time the
 * person acted against their history ({@link ConsentModel}), so an opt-in older than the
 * person's latest opt-out is recorded and not applied. Each change gets its own result; a bad
 * change is refused with a code and a message and writes nothing; a change the table cannot take
 * now is answered {@code FAILED} with {@code retryable} (send it again: its id makes it at most once).
 */
public final class ChangeRecorder {
    /** How far in the future a change's time may be (clock skew between systems). */
    static final Duration MAX_FUTURE = Duration.ofMinutes(5);
    static final int MAX_ID_CHARS = 128;
    static final int MAX_EVIDENCE_ENTRIES = 20;
    static final int MAX_EVIDENCE_CHARS = 512;
    private static final int ATTEMPTS = 3;

    private final SuppressionStore store;
    private final TopicCatalog catalog;
    private final Clock clock;

    public ChangeRecorder(SuppressionStore store, TopicCatalog catalog, Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** What became of one change. */
    public enum Status {
        /** Written: state and history. */
        APPLIED,
        /** Written to the history only: a newer choice of the person stands, or the system may not set it. */
        NOT_APPLIED,
        /** This id was recorded before: nothing written again. */
        DUPLICATE,
        /** Refused: the change is not valid (see code); nothing written. */
        REFUSED,
        /** The table could not take it now: nothing written, send it again. */
        FAILED
    }

    /**
     * @param code    why it was refused or failed ({@code INVALID_ADDRESS}, {@code UNKNOWN_TOPIC}, ...), else null
     * @param message for the people running the calling system
     */
    public record Result(int index, String id, Status status, String code, String message) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", index);
            if (id != null) {
                m.put("id", id);
            }
            m.put("status", status.name());
            if (code != null) {
                m.put("code", code);
            }
            if (message != null) {
                m.put("message", message);
            }
            if (status == Status.FAILED) {
                m.put("retryable", true);
            }
            return m;
        }
    }

    public List<Result> record(RecordRequest request) {
        List<Result> results = new ArrayList<>(request.changes().size());
        for (int i = 0; i < request.changes().size(); i++) {
            results.add(recordOne(i, request.system(), request.changes().get(i)));
        }
        return results;
    }

    /** The answer's summary: how many changes ended in each status. */
    public static Map<String, Object> summary(List<Result> results) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("total", results.size());
        for (Status status : Status.values()) {
            s.put(status.name().toLowerCase(java.util.Locale.ROOT), results.stream().filter(r -> r.status() == status).count());
        }
        return s;
    }

    private Result recordOne(int index, String system, Map<String, Object> item) {
        if (item == null) {
            return refused(index, null, "INVALID_CHANGE", "a change must be a JSON object");
        }
        Object rawId = item.get("id");
        if (!(rawId instanceof String id) || id.isBlank() || id.length() > MAX_ID_CHARS) {
            return refused(index, null, "INVALID_ID", "\"id\" must be the system's id of this change (1 to " + MAX_ID_CHARS
                    + " characters): it makes a retry safe");
        }
        EmailAddress address;
        try {
            address = AddressParser.parse(item.get("address") instanceof String a ? a : null);
        } catch (InvalidAddressException | RuntimeException e) {
            return refused(index, id, "INVALID_ADDRESS", "\"address\" is not a valid email address");
        }
        Object action = item.get("action");
        if (!"OPT_OUT".equals(action) && !"OPT_IN".equals(action)) {
            return refused(index, id, "INVALID_ACTION", "\"action\" must be OPT_OUT or OPT_IN");
        }
        Object topic = item.get("topic");
        if (topic != null && (!(topic instanceof String t) || catalog.find(t).isEmpty())) {
            return refused(index, id, "UNKNOWN_TOPIC", "\"topic\" is not a topic of the catalog (leave it out for all mail)");
        }
        Instant at;
        try {
            at = Instant.parse(String.valueOf(item.get("at")));
        } catch (DateTimeParseException e) {
            return refused(index, id, "INVALID_TIME", "\"at\" must be the time the person acted, ISO 8601 in UTC (2026-12-01T10:00:00Z)");
        }
        if (at.isAfter(clock.instant().plus(MAX_FUTURE))) {
            return refused(index, id, "FUTURE_TIME", "\"at\" is in the future: send the time the person acted");
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        Object ev = item.get("evidence");
        if (ev != null) {
            if (!(ev instanceof Map<?, ?> m) || m.size() > MAX_EVIDENCE_ENTRIES) {
                return refused(index, id, "INVALID_EVIDENCE", "\"evidence\" must be an object of at most " + MAX_EVIDENCE_ENTRIES
                        + " strings");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String v) || v.length() > MAX_EVIDENCE_CHARS || String.valueOf(e.getKey()).length() > 64) {
                    return refused(index, id, "INVALID_EVIDENCE", "each evidence value must be a string of at most "
                            + MAX_EVIDENCE_CHARS + " characters");
                }
                evidence.put(String.valueOf(e.getKey()), v);
            }
        }
        evidence.put("changeId", id);
        Provenance p = new Provenance(Source.SYSTEM, at, null, null, evidence, system, null);
        String t = (String) topic;
        Change change = "OPT_OUT".equals(action)
                ? (t == null ? Change.unsubscribeAll(p) : Change.unsubscribeTopic(t, p))
                : (t == null ? Change.resubscribeAll(p) : Change.subscribeTopic(t, p));
        String key = "record-change:" + system + ":" + id;
        for (int attempt = 1; ; attempt++) {
            try {
                return apply(index, id, address, change.once(key));
            } catch (StaleStateException e) {
                if (attempt == ATTEMPTS) {
                    return new Result(index, id, Status.FAILED, "STORE_UNAVAILABLE", "the address kept changing: send it again");
                }
            } catch (StoreUnavailableException e) {
                return new Result(index, id, Status.FAILED, "STORE_UNAVAILABLE", "the table could not take it now: send it again");
            }
        }
    }

    private Result apply(int index, String id, EmailAddress address, Change change) {
        AddressState current = store.read(address);
        ConsentState consent = current.exists() ? ConsentReplay.of(store.fullHistory(address)) : ConsentState.EMPTY;
        Outcome outcome = ConsentModel.apply(consent, change);
        if (outcome.stale() || outcome.refused()) {
            String why = outcome.effects().isEmpty() ? "not applied" : outcome.effects().get(0).why();
            ApplyResult r = store.recordNotApplied(address, change, why);
            return r == ApplyResult.DUPLICATE ? new Result(index, id, Status.DUPLICATE, null, null)
                    : new Result(index, id, Status.NOT_APPLIED, outcome.stale() ? "SUPERSEDED" : "NOT_AUTHORIZED", why);
        }
        ApplyResult r = store.applyAll(address, List.of(change), change.idempotencyKey(), current.version());
        return new Result(index, id, r == ApplyResult.DUPLICATE ? Status.DUPLICATE : Status.APPLIED, null, null);
    }

    private static Result refused(int index, String id, String code, String message) {
        return new Result(index, id, Status.REFUSED, code, message);
    }
}
