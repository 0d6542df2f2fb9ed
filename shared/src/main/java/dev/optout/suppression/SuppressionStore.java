package dev.optout.suppression;

import static dev.optout.suppression.TableLayout.*;

import dev.optout.address.AddressKeys;
import dev.optout.address.EmailAddress;
import dev.optout.snapstart.RenewableRandom;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    /** History sort-key suffixes (H#time#random): renewed after a SnapStart restore, so restored environments never collide. */
    private final RenewableRandom random;
    /** The time in the last history sort key this store wrote (see {@link #historyKeyTime}). */
    private final java.util.concurrent.atomic.AtomicLong lastHistoryMillis = new java.util.concurrent.atomic.AtomicLong();

    public SuppressionStore(DynamoDbClient dynamo, String tableName, AddressKeys addressKeys, Clock clock) {
        this(dynamo, tableName, addressKeys, clock, new RenewableRandom());
    }

    public SuppressionStore(DynamoDbClient dynamo, String tableName, AddressKeys addressKeys, Clock clock, RenewableRandom random) {
        this.random = Objects.requireNonNull(random);
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
     * DynamoDB's limit on items per {@code TransactWriteItems} (100), less the state item and an
     * idempotency record: the most changes {@link #applyAll} takes at once. A preference save
     * stays within it because the catalog holds at most {@code TopicCatalog.MAX_TOPICS} topics.
     */
    public static final int MAX_CHANGES_PER_TRANSACTION = 98;

    /** Applies one change atomically with its history event (see {@link #applyAll}). */
    public ApplyResult apply(EmailAddress address, Change change) {
        return applyAll(address, List.of(change), change.idempotencyKey());
    }

    /**
     * Applies several changes to one address in ONE transaction: the state item is updated once
     * (all changes in one update expression; where two touch the same attribute the later one
     * wins) and each change gets its own history item, so they commit together or not at all.
     * On an address that was forgotten ({@link #forget}) the changes still apply, but nothing that
     * names the address is written: no {@code addr}, no evidence, reason or detail that mentions
     * it ({@link Erasure}).
     *
     * @param idempotencyKey when set, the changes are applied at most once for this key; a repeat
     *                       answers {@link ApplyResult#DUPLICATE} and writes nothing
     * @throws IllegalArgumentException with no changes, or more than {@link #MAX_CHANGES_PER_TRANSACTION}
     */
    public ApplyResult applyAll(EmailAddress address, List<Change> changes, String idempotencyKey) {
        return applyAll(address, changes, idempotencyKey, null);
    }

    /**
     * As {@link #applyAll(EmailAddress, List, String)}, conditioned on the state still being at
     * {@code expectedVersion} ({@link AddressState#version()}): a save planned from a state read
     * earlier (a form drawn from it) is written only if nothing changed the state since.
     *
     * @throws StaleStateException when the state moved on; nothing was written
     */
    public ApplyResult applyAll(EmailAddress address, List<Change> changes, String idempotencyKey, Long expectedVersion) {
        if (changes.isEmpty() || changes.size() > MAX_CHANGES_PER_TRANSACTION) {
            throw new IllegalArgumentException("between 1 and " + MAX_CHANGES_PER_TRANSACTION
                    + " changes per transaction, got " + changes.size());
        }
        boolean erasing = changes.stream().anyMatch(c -> c.action() == Action.FORGET_ADDRESS);
        String key = addressKeys.keyOf(address);
        try {
            return transact(key, address, erasing ? erased(address, changes) : changes, idempotencyKey, erasing, expectedVersion);
        } catch (ForgottenException e) {
            // The state item says this address was erased: write the changes without it.
            return transact(key, address, erased(address, changes), idempotencyKey, true, expectedVersion);
        }
    }

    /**
     * Applies one change to the address whose table key this is, when only the key is known (a
     * mailto: token carries the key, not the address). The state item keeps the address it
     * already holds, if any; none is added (so an erased address stays erased).
     */
    public ApplyResult applyToKey(String addressKey, Change change) {
        if (change.action() == Action.FORGET_ADDRESS) {
            throw new IllegalArgumentException("FORGET_ADDRESS needs the address");
        }
        return transact(Objects.requireNonNull(addressKey), null, List.of(change), change.idempotencyKey(), false, null);
    }

    /**
     * @param address         null: the address is not known (the state item keeps what it holds)
     * @param expectedVersion null, or the version the state must still be at
     */
    private ApplyResult transact(String key, EmailAddress address, List<Change> changes, String idempotencyKey, boolean forgotten,
                                 Long expectedVersion) {
        List<TransactWriteItem> items = new ArrayList<>(changes.size() + 2);
        if (idempotencyKey != null) {
            items.add(TransactWriteItem.builder().put(dedupeRecord(idempotencyKey)).build());
        }
        int stateIndex = items.size();
        items.add(TransactWriteItem.builder().update(stateUpdate(key, address, changes, forgotten, expectedVersion)).build());
        for (Change change : changes) {
            items.add(TransactWriteItem.builder().put(historyRecord(key, change, null)).build());
        }
        String what = changes.size() == 1 ? changes.get(0).action().name() : changes.size() + " changes";
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return ApplyResult.APPLIED;
        } catch (TransactionCanceledException e) {
            if (idempotencyKey != null && failedCondition(e, 0)) {
                return ApplyResult.DUPLICATE;
            }
            if (failedCondition(e, stateIndex)) {
                if (expectedVersion != null) {
                    AddressState now = readKey(key);
                    if (now.version() != expectedVersion) {
                        throw new StaleStateException(expectedVersion, now.version());
                    }
                }
                if (!forgotten && address != null) {
                    throw new ForgottenException();
                }
            }
            throw new StoreUnavailableException("suppression table rejected " + what + ": " + reasons(e), e);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a finding in the address history without changing its state (e.g.
     * {@link Action#SENT_WHILE_SUPPRESSED}): the history item and, with an idempotency key, the
     * dedupe record, in one transaction. A repeat of the key is {@link ApplyResult#DUPLICATE}.
     */
    public ApplyResult recordEvent(EmailAddress address, Change change) {
        String key = addressKeys.keyOf(address);
        List<TransactWriteItem> items = new ArrayList<>(2);
        if (change.idempotencyKey() != null) {
            items.add(TransactWriteItem.builder().put(dedupeRecord(change.idempotencyKey())).build());
        }
        items.add(TransactWriteItem.builder().put(historyRecord(key, change, null)).build());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return ApplyResult.APPLIED;
        } catch (TransactionCanceledException e) {
            if (change.idempotencyKey() != null && failedCondition(e, 0)) {
                return ApplyResult.DUPLICATE;
            }
            throw new StoreUnavailableException("suppression table rejected " + change.action() + ": " + reasons(e), e);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for " + change.action() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a change that the consent rules did not apply (older than what stands, or from a
     * source without the authority) in the history only, with why: the proof shows that it
     * arrived and why it changed nothing. With an idempotency key, at most once.
     */
    public ApplyResult recordNotApplied(EmailAddress address, Change change, String why) {
        return recordEvent(address, new Change(change.action(), change.topic(), change.frequency(), change.detail(),
                change.provenance().withEvidence(Map.of("outcome", "not applied: " + why)), change.idempotencyKey()));
    }

    /** The state item's forgotten guard failed: the address was erased. */
    private static final class ForgottenException extends RuntimeException {
        ForgottenException() {
            super(null, null, false, false);
        }
    }

    private static List<Change> erased(EmailAddress address, List<Change> changes) {
        return changes.stream().map(c -> erased(address, c)).toList();
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
                dynamo.updateItem(toRequest(stateUpdate(key, b.address(), List.of(b.knownForgotten()
                        ? erased(b.address(), b.change()) : b.change()), b.knownForgotten())));
            } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException forgotten) {
                // Erased since the caller read it: write the state and rewrite the history event without it.
                Change c = erased(b.address(), b.change());
                dynamo.updateItem(toRequest(stateUpdate(key, b.address(), List.of(c), true)));
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

    /** Bulk writes retry unprocessed items 13 times in all, waits of up to 1 s. */
    private static final java.util.function.Function<RenewableRandom, UnprocessedRetry> BULK_RETRY =
            jitter -> new UnprocessedRetry(40, 1_000, 13, jitter);

    /** BatchWriteItem, 25 puts a request, unprocessed items retried with full-jitter backoff. */
    private void putAll(List<Map<String, AttributeValue>> items) {
        for (int i = 0; i < items.size(); i += 25) {
            List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> pending = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
                pending.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder().putRequest(p -> p.item(item)).build());
            }
            BULK_RETRY.apply(random).drain(pending, request -> {
                try {
                    return dynamo.batchWriteItem(r -> r.requestItems(Map.of(tableName, request)))
                            .unprocessedItems().getOrDefault(tableName, List.of());
                } catch (SdkException e) {
                    throw new StoreUnavailableException("suppression table unavailable for a bulk write: " + e.getMessage(), e);
                }
            }, wait -> true, "history items");
        }
    }

    private static String historySortKey(Instant time, String idempotencyKey) {
        return HISTORY_PREFIX + HISTORY_TIME.format(time.truncatedTo(ChronoUnit.MILLIS)) + "#" + sha256(idempotencyKey).substring(0, 8);
    }

    /** The full current state of an address (strongly consistent). */
    public AddressState read(EmailAddress address) {
        return readKey(addressKeys.keyOf(address));
    }

    private AddressState readKey(String key) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tableName).key(stateKey(key)).consistentRead(true)).item();
            return decodeState(key, item);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Newest first by each event's own time (when the change was made), not by when it was
     * written: a queued opt-out or an SES event that arrived late takes its place in time.
     */
    private static final int HISTORY_MARGIN = 20;
    private static final java.util.Comparator<HistoryEvent> NEWEST_FIRST =
            java.util.Comparator.comparing(HistoryEvent::at).reversed();

    /**
     * The most recent history events of an address, newest first by their own time. Reads a
     * margin past {@code limit} by time of writing, so that an event written late still sorts in.
     */
    public List<HistoryEvent> history(EmailAddress address, int limit) {
        String key = addressKeys.keyOf(address);
        try {
            QueryResponse response = dynamo.query(r -> r.tableName(tableName)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :h)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(Map.of(":pk", s(ADDRESS_PREFIX + key), ":h", s(HISTORY_PREFIX)))
                    .scanIndexForward(false)
                    .limit(limit + HISTORY_MARGIN));
            List<HistoryEvent> events = new ArrayList<>();
            for (Map<String, AttributeValue> item : response.items()) {
                events.add(decodeHistory(item));
            }
            events.sort(NEWEST_FIRST);
            return events.size() > limit ? new ArrayList<>(events.subList(0, limit)) : events;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /** The whole history of an address, newest first by each event's own time (a subject access request, an operator's lookup). */
    public List<HistoryEvent> fullHistory(EmailAddress address) {
        String key = addressKeys.keyOf(address);
        try {
            List<HistoryEvent> events = new ArrayList<>();
            dynamo.queryPaginator(r -> r.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :h)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(Map.of(":pk", s(ADDRESS_PREFIX + key), ":h", s(HISTORY_PREFIX)))
                    .scanIndexForward(false)).items().forEach(item -> events.add(decodeHistory(item)));
            events.sort(NEWEST_FIRST);
            return events;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Housekeeping for the soft-bounce count: forgets counted soft bounces older than
     * {@code cutoff}, which can no longer count towards the threshold. No status changes, so no
     * history event; an address without a state item is left alone. Each counted bounce is its own
     * set element ({@link TableLayout#softBounceEntry}), so the elements to delete are read first.
     */
    public void dropSoftBouncesBefore(EmailAddress address, Instant cutoff) {
        String key = addressKeys.keyOf(address);
        try {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tableName).key(stateKey(key)).consistentRead(true)
                    .projectionExpression("#soft").expressionAttributeNames(Map.of("#soft", SOFT_BOUNCE_TIMES))).item();
            AttributeValue soft = item == null ? null : item.get(SOFT_BOUNCE_TIMES);
            if (soft == null || !soft.hasSs()) {
                return;
            }
            List<String> stale = soft.ss().stream().filter(e -> softBounceTime(e).isBefore(cutoff)).toList();
            if (stale.isEmpty()) {
                return;
            }
            dynamo.updateItem(r -> r.tableName(tableName).key(stateKey(key))
                    .updateExpression("DELETE #soft :old")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#soft", SOFT_BOUNCE_TIMES, "#pk", PK))
                    .expressionAttributeValues(Map.of(":old", AttributeValue.fromSs(stale))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            // no state item: nothing to forget
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for soft-bounce pruning: " + e.getMessage(), e);
        }
    }

    private Update stateUpdate(String key, EmailAddress address, List<Change> changes, boolean forgotten) {
        return stateUpdate(key, address, changes, forgotten, null);
    }

    private Update stateUpdate(String key, EmailAddress address, List<Change> changes, boolean forgotten, Long expectedVersion) {
        UpdateExpression e = new UpdateExpression();
        e.set(UPDATED_AT, s(clock.instant().toString()));
        e.add(VERSION, AttributeValue.fromN("1"));
        e.setIfAbsent(CREATED_AT, s(clock.instant().toString()));
        if (forgotten) {
            e.remove(ADDRESS);
        } else if (address != null) {
            e.set(ADDRESS, s(address.value()));
        }
        for (Change change : changes) {
            addTo(e, change);
        }
        Map<String, String> names = new HashMap<>(e.names());
        Map<String, AttributeValue> values = new HashMap<>(e.values());
        Update.Builder update = Update.builder().tableName(tableName).key(stateKey(key));
        List<String> conditions = new ArrayList<>(2);
        if (!forgotten && address != null) {
            // The forgotten guard: enforced here, for every writer, so no path writes addr back.
            names.put("#forgotten", FORGOTTEN);
            conditions.add("attribute_not_exists(#forgotten)");
        }
        if (expectedVersion != null) {
            // The version the caller planned from; an item written before versions were kept is version 0.
            names.put("#ver", VERSION);
            if (expectedVersion == 0) {
                conditions.add("attribute_not_exists(#ver)");
            } else {
                values.put(":expectedVersion", AttributeValue.fromN(Long.toString(expectedVersion)));
                conditions.add("#ver = :expectedVersion");
            }
        }
        if (!conditions.isEmpty()) {
            update.conditionExpression(String.join(" AND ", conditions));
        }
        return update.updateExpression(e.expression())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    /** One change's part of the state update. */
    private void addTo(UpdateExpression e, Change change) {
        Provenance p = change.provenance();
        Mark mark = new Mark(p.at(), p.source(), p.campaignId(), change.detail());
        switch (change.action()) {
            // an operator's opt-out is the operator's hold, apart from the person's own (the consent rules' slots)
            case UNSUBSCRIBE_ALL -> e.setIfAbsent(authority(p).isOperators() ? OPERATOR_HOLD : UNSUBSCRIBED_ALL, markValue(mark));
            case RESUBSCRIBE_ALL -> {
                // The person's "send me mail again" lifts their own opt-out only. An operator lifts
                // the hold, and an opt-out of all mail only after checking (conditioned on the
                // version it read) that it is not the person's own; with the person's recorded
                // consent also a complaint and a soft-bounce stop. A hard bounce never (LIFT_BOUNCE).
                dev.optout.consent.Authority authority = authority(p);
                e.remove(UNSUBSCRIBED_ALL);
                if (authority.isOperators()) {
                    e.remove(OPERATOR_HOLD);
                }
                if (authority == dev.optout.consent.Authority.OPERATOR_WITH_CONSENT) {
                    e.remove(COMPLAINT);
                    e.remove(SOFT_BOUNCE);
                    e.remove(SOFT_BOUNCE_TIMES);
                }
            }
            case UNSUBSCRIBE_TOPIC -> {
                e.setIfAbsent(TOPIC_OPT_OUT + change.topic(), markValue(mark));
                e.remove(TOPIC_OPT_IN + change.topic());
            }
            case SUBSCRIBE_TOPIC -> {
                e.setIfAbsent(TOPIC_OPT_IN + change.topic(), markValue(mark));
                e.remove(TOPIC_OPT_OUT + change.topic());
            }
            case SET_FREQUENCY -> {
                String attribute = change.topic() == null ? FREQUENCY : TOPIC_FREQUENCY + change.topic();
                if (change.frequency() == null) {
                    e.remove(attribute); // Change.clearFrequency: follow the overall frequency again
                } else {
                    e.set(attribute, s(change.frequency().name()));
                }
            }
            case HARD_BOUNCE -> e.setIfAbsent(HARD_BOUNCE, markValue(mark));
            // One element per bounce, not per timestamp: two bounces at the same instant are two.
            case SOFT_BOUNCE -> e.add(SOFT_BOUNCE_TIMES, AttributeValue.fromSs(List.of(softBounceEntry(p.at(), softBounceId(change)))));
            case SOFT_BOUNCE_SUPPRESS -> e.setIfAbsent(SOFT_BOUNCE, markValue(mark));
            case DELIVERY -> e.remove(SOFT_BOUNCE_TIMES);
            case COMPLAINT -> e.setIfAbsent(COMPLAINT, markValue(mark));
            case LIFT_BOUNCE -> {
                e.remove(HARD_BOUNCE);
                e.remove(SOFT_BOUNCE);
                e.remove(SOFT_BOUNCE_TIMES);
            }
            // the address attribute is removed by stateUpdate; the mark guards every later write
            case FORGET_ADDRESS -> e.setIfAbsent(FORGOTTEN, markValue(mark));
            default -> throw new IllegalArgumentException("unhandled action " + change.action());
        }
    }

    private static dev.optout.consent.Authority authority(Provenance p) {
        return dev.optout.consent.Authority.of(p);
    }

    /**
     * An UpdateItem expression built one attribute at a time. One clause per attribute (a later
     * clause for the same attribute replaces the earlier one): DynamoDB refuses an expression
     * whose paths overlap, and a later change in a save must win over an earlier one.
     */
    private static final class UpdateExpression {
        private record Clause(String kind, String value) {
        }

        private final Map<String, Clause> clauses = new java.util.LinkedHashMap<>();
        private final Map<String, AttributeValue> values = new HashMap<>();

        void set(String attribute, AttributeValue v) {
            clauses.put(attribute, new Clause("SET", value(v)));
        }

        /** SET attr = if_not_exists(attr, v): a repeated change keeps the first time. */
        void setIfAbsent(String attribute, AttributeValue v) {
            clauses.put(attribute, new Clause("SET_IF_ABSENT", value(v)));
        }

        void remove(String attribute) {
            clauses.put(attribute, new Clause("REMOVE", null));
        }

        void add(String attribute, AttributeValue v) {
            clauses.put(attribute, new Clause("ADD", value(v)));
        }

        private String value(AttributeValue v) {
            String placeholder = ":v" + values.size();
            values.put(placeholder, v);
            return placeholder;
        }

        Map<String, String> names() {
            Map<String, String> names = new HashMap<>();
            int i = 0;
            for (String attribute : clauses.keySet()) {
                names.put("#a" + i++, attribute);
            }
            return names;
        }

        Map<String, AttributeValue> values() {
            // only the values still referred to (a replaced clause drops its value)
            Map<String, AttributeValue> used = new HashMap<>();
            clauses.values().forEach(c -> {
                if (c.value() != null) {
                    used.put(c.value(), values.get(c.value()));
                }
            });
            return used;
        }

        String expression() {
            List<String> set = new ArrayList<>();
            List<String> remove = new ArrayList<>();
            List<String> add = new ArrayList<>();
            int i = 0;
            for (Clause c : clauses.values()) {
                String name = "#a" + i++;
                switch (c.kind()) {
                    case "SET" -> set.add(name + " = " + c.value());
                    case "SET_IF_ABSENT" -> set.add(name + " = if_not_exists(" + name + ", " + c.value() + ")");
                    case "REMOVE" -> remove.add(name);
                    default -> add.add(name + " " + c.value());
                }
            }
            StringBuilder expr = new StringBuilder();
            if (!set.isEmpty()) {
                expr.append("SET ").append(String.join(", ", set));
            }
            if (!remove.isEmpty()) {
                expr.append(" REMOVE ").append(String.join(", ", remove));
            }
            if (!add.isEmpty()) {
                expr.append(" ADD ").append(String.join(", ", add));
            }
            return expr.toString().strip();
        }
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

    private Put dedupeRecord(String idempotencyKey) {
        long expires = clock.instant().plus(DEDUPE_RETENTION).getEpochSecond();
        return Put.builder().tableName(tableName)
                .item(Map.of(PK, s(DEDUPE_PREFIX + sha256(idempotencyKey)), SK, s("D"),
                        EXPIRES_AT, AttributeValue.fromN(Long.toString(expires))))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))
                .build();
    }

    /** Names one counted soft bounce: from its idempotency key (stable on redelivery), else random. */
    private String softBounceId(Change change) {
        if (change.idempotencyKey() != null) {
            return sha256(change.idempotencyKey()).substring(0, 16);
        }
        byte[] id = new byte[12];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
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
