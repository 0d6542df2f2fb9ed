package dev.optout.suppression;

import static dev.optout.suppression.TableLayout.*;

import dev.optout.address.AddressKeys;
import dev.optout.address.EmailAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The suppression table: the authority on who may be mailed. Every change is one atomic
 * transaction of (idempotency record, state update, history event): either all of it is
 * written or none, so the history is the complete proof of the state.
 *
 * <p>Failures surface as {@link StoreUnavailableException}; nothing here answers "allowed" or
 * "done" for something it could not read or write.
 */
public final class SuppressionStore {
    /** How long an idempotency record is kept: longer than SQS retention (14 days) plus redrives. */
    public static final Duration DEDUPE_RETENTION = Duration.ofDays(30);
    /** Fixed width (always milliseconds), so history sort keys order by time as strings. */
    private static final DateTimeFormatter HISTORY_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final AddressKeys addressKeys;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** The time in the last history sort key this store wrote (see {@link #historyKeyTime}). */
    private final java.util.concurrent.atomic.AtomicLong lastHistoryMillis = new java.util.concurrent.atomic.AtomicLong();

    public SuppressionStore(DynamoDbClient dynamo, String tableName, AddressKeys addressKeys, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.tableName = Objects.requireNonNull(tableName);
        this.addressKeys = Objects.requireNonNull(addressKeys);
        this.clock = Objects.requireNonNull(clock);
    }

    public String tableName() {
        return tableName;
    }

    public AddressKeys addressKeys() {
        return addressKeys;
    }

    public DynamoDbClient client() {
        return dynamo;
    }

    /**
     * Applies one change atomically with its history event. On an address that was forgotten
     * ({@link #forget}) the change still applies, but nothing that names the address is written:
     * no {@code addr}, no evidence, reason or detail that mentions it ({@link Erasure}).
     */
    public ApplyResult apply(EmailAddress address, Change change) {
        boolean erasing = change.action() == Action.FORGET_ADDRESS;
        try {
            return transact(address, erasing ? erased(address, change) : change, erasing);
        } catch (ForgottenException e) {
            // The state item says this address was erased: write the change without it.
            return transact(address, erased(address, change), true);
        }
    }

    private ApplyResult transact(EmailAddress address, Change change, boolean forgotten) {
        String key = addressKeys.keyOf(address);
        List<TransactWriteItem> items = new ArrayList<>(3);
        if (change.idempotencyKey() != null) {
            items.add(TransactWriteItem.builder().put(dedupeRecord(change)).build());
        }
        int stateIndex = items.size();
        items.add(TransactWriteItem.builder().update(stateUpdate(key, address, change, forgotten)).build());
        items.add(TransactWriteItem.builder().put(historyRecord(key, change, null)).build());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return ApplyResult.APPLIED;
        } catch (TransactionCanceledException e) {
            if (change.idempotencyKey() != null && failedCondition(e, 0)) {
                return ApplyResult.DUPLICATE;
            }
            if (!forgotten && failedCondition(e, stateIndex)) {
                throw new ForgottenException();
            }
            throw new StoreUnavailableException("suppression table rejected " + change.action() + ": " + reasons(e), e);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for " + change.action() + ": " + e.getMessage(), e);
        }
    }

    /** The state item's forgotten guard failed: the address was erased. */
    private static final class ForgottenException extends RuntimeException {
        ForgottenException() {
            super(null, null, false, false);
        }
    }

    private static Change erased(EmailAddress address, Change change) {
        String detail = Erasure.mentions(change.detail(), address) ? null : change.detail();
        return new Change(change.action(), change.topic(), change.frequency(), detail,
                change.provenance().erasing(address), change.idempotencyKey());
    }

    /**
     * Erasure that sticks (GDPR Art. 17): applies {@code FORGET_ADDRESS} (removes {@code addr},
     * sets {@code forgotten}, which every later write is guarded on), then removes from every
     * history item of the address the free-text evidence and any value that mentions it. The key,
     * the marks and the actions stay: the address stays suppressed, without being known.
     *
     * @return how many history items had something removed
     */
    public int forget(EmailAddress address, Provenance provenance) {
        apply(address, Change.of(Action.FORGET_ADDRESS, provenance));
        String key = addressKeys.keyOf(address);
        int scrubbed = 0;
        try {
            for (Map<String, AttributeValue> item : dynamo.queryPaginator(r -> r.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", s(ADDRESS_PREFIX + key)))).items()) {
                if (scrub(item, address)) {
                    scrubbed++;
                }
            }
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable while erasing (run forget again): " + e.getMessage(), e);
        }
        return scrubbed;
    }

    /**
     * Removes from one item everything that may name the address: {@code addr}, any text that
     * mentions it, free-text evidence. Inside a mark or the evidence only the field goes, so the
     * mark (and the suppression) stays. Answers whether it changed anything.
     */
    private boolean scrub(Map<String, AttributeValue> item, EmailAddress address) {
        Map<String, String> names = new HashMap<>();
        List<String> remove = new ArrayList<>();
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            String name = e.getKey();
            AttributeValue v = e.getValue();
            if (name.equals(PK) || name.equals(SK)) {
                continue;
            }
            String top = "#a" + names.size();
            if (name.equals(ADDRESS) || Erasure.mentions(v.s(), address)) {
                names.put(top, name);
                remove.add(top);
            } else if (v.hasM()) {
                boolean evidence = name.equals("evidence");
                for (Map.Entry<String, AttributeValue> f : v.m().entrySet()) {
                    if (evidence && Provenance.FREE_TEXT_EVIDENCE.contains(f.getKey()) || Erasure.mentions(f.getValue().s(), address)) {
                        names.put(top, name);
                        String field = "#f" + names.size();
                        names.put(field, f.getKey());
                        remove.add(top + "." + field);
                    }
                }
            }
        }
        if (remove.isEmpty()) {
            return false;
        }
        dynamo.updateItem(r -> r.tableName(tableName).key(Map.of(PK, item.get(PK), SK, item.get(SK)))
                .updateExpression("REMOVE " + String.join(", ", remove))
                .expressionAttributeNames(names));
        return true;
    }

    /** One change of a bulk write ({@link #applyBulk}). */
    public record BulkChange(EmailAddress address, Change change, boolean knownForgotten) {
        public BulkChange {
            Objects.requireNonNull(change.idempotencyKey(), "a bulk change needs an idempotency key");
        }
    }

    /**
     * The batched path for imports: the same state update and history event as {@link #apply},
     * without one transaction per change. History items go first, 25 per BatchWriteItem, under a
     * sort key derived from the change's idempotency key and {@code batchTime} (so a replay
     * overwrites, never duplicates); then each state item gets the very update expression
     * {@link #apply} uses (race-free with concurrent writers, forgotten guard included), in
     * parallel on {@code executor}. A crash between the two leaves a history event whose state
     * update a replay of the same batch (same {@code batchTime}) completes; the result is then the
     * same as through {@link #apply}.
     */
    public void applyBulk(List<BulkChange> changes, Instant batchTime, java.util.concurrent.ExecutorService executor) {
        List<Map<String, AttributeValue>> history = new ArrayList<>(changes.size());
        for (BulkChange b : changes) {
            Change c = b.knownForgotten() ? erased(b.address(), b.change()) : b.change();
            history.add(historyRecord(addressKeys.keyOf(b.address()), c, historySortKey(batchTime, c.idempotencyKey())).item());
        }
        putAll(history);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (BulkChange b : changes) {
            futures.add(executor.submit(() -> updateState(b, batchTime)));
        }
        try {
            for (java.util.concurrent.Future<?> f : futures) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof StoreUnavailableException sue ? sue
                    : new StoreUnavailableException("bulk write failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted during a bulk write");
        }
    }

    private void updateState(BulkChange b, Instant batchTime) {
        String key = addressKeys.keyOf(b.address());
        try {
            try {
                dynamo.updateItem(toRequest(stateUpdate(key, b.address(), b.knownForgotten()
                        ? erased(b.address(), b.change()) : b.change(), b.knownForgotten())));
            } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException forgotten) {
                // Erased since the caller read it: write the state and rewrite the history event without it.
                Change c = erased(b.address(), b.change());
                dynamo.updateItem(toRequest(stateUpdate(key, b.address(), c, true)));
                Put h = historyRecord(key, c, historySortKey(batchTime, c.idempotencyKey()));
                dynamo.putItem(r -> r.tableName(tableName).item(h.item()));
            }
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for " + b.change().action() + ": " + e.getMessage(), e);
        }
    }

    private static software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest toRequest(Update u) {
        return software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.builder().tableName(u.tableName()).key(u.key())
                .updateExpression(u.updateExpression()).conditionExpression(u.conditionExpression())
                .expressionAttributeNames(u.expressionAttributeNames())
                .expressionAttributeValues(u.expressionAttributeValues()).build();
    }

    /** BatchWriteItem, 25 puts a request, unprocessed items retried with full-jitter backoff. */
    private void putAll(List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += 25) {
            List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> pending = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
                pending.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder().putRequest(p -> p.item(item)).build());
            }
            int attempt = 0;
            while (!pending.isEmpty()) {
                List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> request = pending;
                try {
                    pending = dynamo.batchWriteItem(r -> r.requestItems(Map.of(tableName, request)))
                            .unprocessedItems().getOrDefault(tableName, List.of());
                } catch (SdkException e) {
                    throw new StoreUnavailableException("suppression table unavailable for a bulk write: " + e.getMessage(), e);
                }
                if (!pending.isEmpty()) {
                    if (++attempt > 12) {
                        throw new StoreUnavailableException(pending.size() + " history items still unprocessed (throttled)");
                    }
                    try {
                        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.min(1_000, 20L << attempt) + 1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new StoreUnavailableException("interrupted during a bulk write");
                    }
                }
            }
        }
    }

    private static String historySortKey(Instant time, String idempotencyKey) {
        return HISTORY_PREFIX + HISTORY_TIME.format(time.truncatedTo(ChronoUnit.MILLIS)) + "#" + sha256(idempotencyKey).substring(0, 8);
    }

    /** The full current state of an address (strongly consistent). */
    public AddressState read(EmailAddress address) {
        String key = addressKeys.keyOf(address);
        try {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tableName).key(stateKey(key)).consistentRead(true)).item();
            return decodeState(key, item);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /** The most recent history events of an address, newest first. */
    public List<HistoryEvent> history(EmailAddress address, int limit) {
        String key = addressKeys.keyOf(address);
        try {
            QueryResponse response = dynamo.query(r -> r.tableName(tableName)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :h)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(Map.of(":pk", s(ADDRESS_PREFIX + key), ":h", s(HISTORY_PREFIX)))
                    .scanIndexForward(false)
                    .limit(limit));
            List<HistoryEvent> events = new ArrayList<>();
            for (Map<String, AttributeValue> item : response.items()) {
                events.add(decodeHistory(item));
            }
            return events;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /** The whole history of an address, newest first (a subject access request, an operator's lookup). */
    public List<HistoryEvent> fullHistory(EmailAddress address) {
        String key = addressKeys.keyOf(address);
        try {
            List<HistoryEvent> events = new ArrayList<>();
            dynamo.queryPaginator(r -> r.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :h)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(Map.of(":pk", s(ADDRESS_PREFIX + key), ":h", s(HISTORY_PREFIX)))
                    .scanIndexForward(false)).items().forEach(item -> events.add(decodeHistory(item)));
            return events;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Housekeeping for the soft-bounce count: forgets soft-bounce times that can no longer count
     * towards the threshold (older than the window). No status changes, so no history event; an
     * address without a state item is left alone.
     */
    public void dropSoftBounces(EmailAddress address, java.util.Collection<Instant> times) {
        if (times.isEmpty()) {
            return;
        }
        String key = addressKeys.keyOf(address);
        List<String> values = new ArrayList<>();
        times.forEach(t -> values.add(t.toString()));
        try {
            dynamo.updateItem(r -> r.tableName(tableName).key(stateKey(key))
                    .updateExpression("DELETE #soft :old")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#soft", SOFT_BOUNCE_TIMES, "#pk", PK))
                    .expressionAttributeValues(Map.of(":old", AttributeValue.fromSs(values))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            // no state item: nothing to forget
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for soft-bounce pruning: " + e.getMessage(), e);
        }
    }

    private Update stateUpdate(String key, EmailAddress address, Change change, boolean forgotten) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        List<String> add = new ArrayList<>();
        Provenance p = change.provenance();
        values.put(":now", s(clock.instant().toString()));
        names.put("#updatedAt", UPDATED_AT);
        names.put("#createdAt", CREATED_AT);
        set.add("#updatedAt = :now");
        set.add("#createdAt = if_not_exists(#createdAt, :now)");
        names.put("#addr", ADDRESS);
        if (forgotten) {
            remove.add("#addr");
        } else {
            values.put(":addr", s(address.value()));
            set.add("#addr = :addr");
        }
        Mark mark = new Mark(p.at(), p.source(), p.campaignId(), change.detail());
        switch (change.action()) {
            case UNSUBSCRIBE_ALL -> keepFirst(UNSUBSCRIBED_ALL, mark, names, values, set);
            case RESUBSCRIBE_ALL -> {
                // The person's explicit "send me mail again": lifts their own opt-out, a complaint
                // and a soft-bounce suppression, never a hard bounce (see LIFT_BOUNCE).
                names.put("#unsub", UNSUBSCRIBED_ALL);
                names.put("#complaint", COMPLAINT);
                names.put("#softMark", SOFT_BOUNCE);
                names.put("#soft", SOFT_BOUNCE_TIMES);
                remove.add("#unsub");
                remove.add("#complaint");
                remove.add("#softMark");
                remove.add("#soft");
            }
            case UNSUBSCRIBE_TOPIC -> {
                keepFirst(TOPIC_OPT_OUT + change.topic(), mark, names, values, set);
                names.put("#in", TOPIC_OPT_IN + change.topic());
                remove.add("#in");
            }
            case SUBSCRIBE_TOPIC -> {
                keepFirst(TOPIC_OPT_IN + change.topic(), mark, names, values, set);
                names.put("#out", TOPIC_OPT_OUT + change.topic());
                remove.add("#out");
            }
            case SET_FREQUENCY -> {
                names.put("#freq", change.topic() == null ? FREQUENCY : TOPIC_FREQUENCY + change.topic());
                if (change.frequency() == null) {
                    remove.add("#freq"); // Change.clearFrequency: follow the overall frequency again
                } else {
                    values.put(":freq", s(change.frequency().name()));
                    set.add("#freq = :freq");
                }
            }
            case HARD_BOUNCE -> keepFirst(HARD_BOUNCE, mark, names, values, set);
            case SOFT_BOUNCE -> {
                names.put("#soft", SOFT_BOUNCE_TIMES);
                values.put(":soft", AttributeValue.fromSs(List.of(p.at().toString())));
                add.add("#soft :soft");
            }
            case SOFT_BOUNCE_SUPPRESS -> keepFirst(SOFT_BOUNCE, mark, names, values, set);
            case DELIVERY -> {
                names.put("#soft", SOFT_BOUNCE_TIMES);
                remove.add("#soft");
            }
            case COMPLAINT -> keepFirst(COMPLAINT, mark, names, values, set);
            case LIFT_BOUNCE -> {
                names.put("#hard", HARD_BOUNCE);
                names.put("#softMark", SOFT_BOUNCE);
                names.put("#soft", SOFT_BOUNCE_TIMES);
                remove.add("#hard");
                remove.add("#softMark");
                remove.add("#soft");
            }
            case FORGET_ADDRESS -> {
                // the address attribute is removed above; the mark guards every later write
                names.put("#forgotten", FORGOTTEN);
                values.put(":forgotten", markValue(mark));
                set.add("#forgotten = if_not_exists(#forgotten, :forgotten)");
            }
            default -> throw new IllegalArgumentException("unhandled action " + change.action());
        }
        StringBuilder expr = new StringBuilder("SET ").append(String.join(", ", set));
        if (!remove.isEmpty()) {
            expr.append(" REMOVE ").append(String.join(", ", remove));
        }
        if (!add.isEmpty()) {
            expr.append(" ADD ").append(String.join(", ", add));
        }
        Update.Builder update = Update.builder().tableName(tableName).key(stateKey(key));
        if (!forgotten) {
            // The forgotten guard: enforced here, for every writer, so no path writes addr back.
            names.put("#forgotten", FORGOTTEN);
            update.conditionExpression("attribute_not_exists(#forgotten)");
        }
        return update.updateExpression(expr.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    /** SET attr = if_not_exists(attr, mark): a repeated change keeps the first time. */
    private static void keepFirst(String attribute, Mark mark, Map<String, String> names,
                                  Map<String, AttributeValue> values, List<String> set) {
        names.put("#flag", attribute);
        values.put(":mark", markValue(mark));
        set.add("#flag = if_not_exists(#flag, :mark)");
    }

    private Put historyRecord(String key, Change change, String sortKey) {
        Provenance p = change.provenance();
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(ADDRESS_PREFIX + key));
        if (sortKey == null) {
            byte[] suffix = new byte[6];
            random.nextBytes(suffix);
            // Sorted by the time of writing, so "newest first" is the order in which changes were made.
            sortKey = HISTORY_PREFIX + HISTORY_TIME.format(historyKeyTime(now)) + "#"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(suffix);
        }
        item.put(SK, s(sortKey));
        item.put("action", s(change.action().name()));
        item.put("at", s(p.at().toString()));
        item.put("recordedAt", s(now.toString()));
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
        if (!p.evidence().isEmpty()) {
            Map<String, AttributeValue> ev = new HashMap<>();
            p.evidence().forEach((k, v) -> ev.put(k, s(v)));
            item.put("evidence", AttributeValue.fromM(ev));
        }
        return Put.builder().tableName(tableName).item(item).build();
    }

    /**
     * The millisecond for a history sort key: the time of writing, moved on by a millisecond when
     * this store already wrote one for that millisecond, so that two changes one writer makes in
     * a row (a soft bounce and the suppression it triggers) sort in the order they were made,
     * never by the random suffix. {@code recordedAt} keeps the exact time.
     */
    private Instant historyKeyTime(Instant now) {
        long ms = now.toEpochMilli();
        long used = lastHistoryMillis.accumulateAndGet(ms, (last, t) -> Math.max(t, last + 1));
        return Instant.ofEpochMilli(used);
    }

    private Put dedupeRecord(Change change) {
        long expires = clock.instant().plus(DEDUPE_RETENTION).getEpochSecond();
        return Put.builder().tableName(tableName)
                .item(Map.of(PK, s(DEDUPE_PREFIX + sha256(change.idempotencyKey())), SK, s("D"),
                        EXPIRES_AT, AttributeValue.fromN(Long.toString(expires))))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))
                .build();
    }

    /** Whether item {@code index} of the cancelled transaction failed its condition (the dedupe record is item 0). */
    private static boolean failedCondition(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons != null && reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static String reasons(TransactionCanceledException e) {
        if (e.cancellationReasons() == null) {
            return e.getMessage();
        }
        List<String> codes = new ArrayList<>();
        e.cancellationReasons().forEach(r -> codes.add(String.valueOf(r.code())));
        return String.join(",", codes);
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HistoryEvent decodeHistory(Map<String, AttributeValue> item) {
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
}
