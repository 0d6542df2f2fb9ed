package dev.optout.suppression;

import static dev.optout.suppression.TableLayout.*;

import dev.optout.address.AddressKeys;
import dev.optout.address.EmailAddress;
import dev.optout.consent.ConsentState;
import dev.optout.snapstart.RenewableRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The suppression table: the authority on who may be mailed. Every change goes through the
 * consent model ({@link ConsentWriter}): the state is read, the model decides, and one atomic
 * transaction writes the idempotency record, the state as the model left it (conditioned on the
 * version read) and a history event per change with the model's verdict. Either all of it is
 * written or none, so the history is the complete proof of the state. The item layout is the
 * codecs' ({@link StateCodec}, {@link HistoryCodec}, {@link DedupeRecords}).
 *
 * <p>Failures surface as {@link StoreUnavailableException}; nothing here answers "allowed" or
 * "done" for something it could not read or write.
 */
public final class SuppressionStore {
    /** How long an idempotency record is kept: longer than SQS retention (14 days) plus redrives. */
    public static final Duration DEDUPE_RETENTION = DedupeRecords.RETENTION;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final AddressKeys addressKeys;
    private final Clock clock;
    private final ConsentWriter writer;

    public SuppressionStore(DynamoDbClient dynamo, String tableName, AddressKeys addressKeys, Clock clock) {
        this(dynamo, tableName, addressKeys, clock, new RenewableRandom());
    }

    public SuppressionStore(DynamoDbClient dynamo, String tableName, AddressKeys addressKeys, Clock clock, RenewableRandom random) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.tableName = Objects.requireNonNull(tableName);
        this.addressKeys = Objects.requireNonNull(addressKeys);
        this.clock = Objects.requireNonNull(clock);
        this.writer = new ConsentWriter(dynamo, tableName, clock, Objects.requireNonNull(random));
    }

    public String tableName() {
        return tableName;
    }

    /**
     * Records a served data request for the report ({@link DataRequest}: no address, no key).
     * Two requests served at the same instant get distinct items (the later one a nanosecond on).
     */
    public void recordDataRequest(DataRequest request) {
        Instant served = request.servedAt();
        for (int attempt = 0; attempt < 5; attempt++) {
            Instant at = served.plusNanos(attempt);
            java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = java.util.Map.of(
                    TableLayout.PK, TableLayout.s(DataRequest.PREFIX + at.atZone(java.time.ZoneOffset.UTC).toLocalDate()),
                    TableLayout.SK, TableLayout.s(at + "#" + request.kind().name()),
                    "request", TableLayout.s(request.kind().name()),
                    "src", TableLayout.s(request.source().name()),
                    "requestedAt", TableLayout.s(request.requestedAt().toString()),
                    "at", TableLayout.s(request.servedAt().toString()));
            try {
                dynamo.putItem(r -> r.tableName(tableName).item(item).conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(java.util.Map.of("#pk", TableLayout.PK)));
                return;
            } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
                // another request served at the same instant: the next nanosecond
            } catch (software.amazon.awssdk.core.exception.SdkException e) {
                throw new StoreUnavailableException("suppression table unavailable (data request): " + e.getMessage(), e);
            }
        }
        throw new StoreUnavailableException("five data requests served at " + served + ": not recorded");
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
     * As {@link #apply}, answering the address's state as this write left it: decoded from the item
     * the write put, with no read after it. A duplicate wrote nothing; its answer is read.
     */
    public AddressState applyAndRead(EmailAddress address, Change change) {
        String key = addressKeys.keyOf(address);
        ConsentWriter.Written w = writer.write(new ConsentWriter.Write(key, address, List.of(change), change.idempotencyKey(), null, false));
        return w.state() == null ? readKey(key) : decodeState(key, w.state());
    }

    /**
     * Applies several changes to one address in ONE transaction, through the consent model in
     * the order given: the state item is written once, as the model left it, and each change gets
     * its own history item with the model's verdict (a change older than what stands, or from a
     * source without the authority, is recorded as not applied, with why). On an address that was
     * forgotten ({@link #forget}) nothing that names the address is written: no {@code addr}, no
     * evidence, reason or detail that mentions it ({@link Erasure}).
     *
     * @param idempotencyKey when set, the changes are applied at most once for this key; a repeat
     *                       answers {@link ApplyResult#DUPLICATE} and writes nothing
     * @return {@link ApplyResult#APPLIED} once the changes and their history are written (whatever
     *         the model made of them; the history says)
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
        return applyAllJudged(address, changes, idempotencyKey, expectedVersion).result();
    }

    /**
     * What {@link #applyAllJudged} did: written or a duplicate, and whether the consent model found
     * every change superseded by a newer choice (stale: then only their history was written, each
     * "not applied" with why).
     */
    public record Judged(ApplyResult result, boolean superseded) {
    }

    /** As {@link #applyAll(EmailAddress, List, String, Long)}, with the consent model's verdict on the changes. */
    public Judged applyAllJudged(EmailAddress address, List<Change> changes, String idempotencyKey, Long expectedVersion) {
        if (changes.isEmpty() || changes.size() > MAX_CHANGES_PER_TRANSACTION) {
            throw new IllegalArgumentException("between 1 and " + MAX_CHANGES_PER_TRANSACTION
                    + " changes per transaction, got " + changes.size());
        }
        ConsentWriter.Written w = writer.write(new ConsentWriter.Write(addressKeys.keyOf(address), address, changes, idempotencyKey,
                expectedVersion, false));
        return new Judged(w.result(), !w.verdicts().isEmpty()
                && w.verdicts().stream().allMatch(HistoryCodec.Verdict::stale));
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
        return writer.write(new ConsentWriter.Write(Objects.requireNonNull(addressKey), null, List.of(change), change.idempotencyKey(),
                null, false)).result();
    }

    /**
     * Records a finding in the address history without changing its state (e.g.
     * {@link Action#SENT_WHILE_SUPPRESSED}): the history item and, with an idempotency key, the
     * dedupe record, in one transaction. A repeat of the key is {@link ApplyResult#DUPLICATE}.
     */
    public ApplyResult recordEvent(EmailAddress address, Change change) {
        String key = addressKeys.keyOf(address);
        Instant now = clock.instant();
        List<TransactWriteItem> items = new ArrayList<>(2);
        if (change.idempotencyKey() != null) {
            items.add(TransactWriteItem.builder().put(DedupeRecords.put(tableName, change.idempotencyKey(), now)).build());
        }
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(HistoryCodec.encode(key, writer.nextSortKey(now), change, now, null)).build()).build());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return ApplyResult.APPLIED;
        } catch (TransactionCanceledException e) {
            if (change.idempotencyKey() != null && ConsentWriter.failedCondition(e, 0)) {
                return ApplyResult.DUPLICATE;
            }
            throw new StoreUnavailableException("suppression table rejected " + change.action() + ": " + ConsentWriter.reasons(e), e);
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
                change.provenance().withEvidence(Map.of(HistoryCodec.OUTCOME, "not applied: " + why)), change.idempotencyKey()));
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
     * The path for imports: each change goes through the consent model as {@link #apply} does
     * (read, decide, one transaction conditioned on the version read), the addresses in parallel
     * on {@code executor}. A row older than the person's own later choice is recorded as not
     * applied. The history item's sort key derives from {@code batchTime} and the change's
     * idempotency key: a replay of the same batch (after a crash) finds the row written and writes
     * nothing twice. No transaction per row (see {@code ConsentWriter#writeOne}): the state is
     * written with the row's history item inside it, then the history item on its own.
     *
     * @return per change, in the order given, what was done with it
     */
    public List<BulkResult> applyBulk(List<BulkChange> changes, Instant batchTime, ExecutorService executor) {
        List<Future<BulkResult>> futures = new ArrayList<>();
        for (BulkChange b : changes) {
            futures.add(executor.submit(() -> {
                Change c = b.change();
                try {
                    ConsentWriter.Written w = writer.writeOne(new ConsentWriter.Write(addressKeys.keyOf(b.address()), b.address(), List.of(c),
                            null, null, b.knownForgotten()), HistoryCodec.sortKey(batchTime, DedupeRecords.sha256(c.idempotencyKey()).substring(0, 8)));
                    HistoryCodec.Verdict verdict = w.verdicts().isEmpty() ? null : w.verdicts().get(0);
                    return new BulkResult(b, w.result(), verdict == null || verdict.applied() ? null : verdict.why());
                } catch (StoreUnavailableException e) {
                    if (e.getMessage().startsWith("suppression table unavailable for")) {
                        throw e;
                    }
                    throw new StoreUnavailableException("suppression table unavailable for " + c.action() + ": " + e.getMessage(), e);
                }
            }));
        }
        List<BulkResult> results = new ArrayList<>(changes.size());
        try {
            for (Future<BulkResult> f : futures) {
                results.add(f.get());
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof StoreUnavailableException sue ? sue
                    : new StoreUnavailableException("bulk write failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted during a bulk write");
        }
        return results;
    }

    /**
     * What {@link #applyBulk} did with one change: written ({@link ApplyResult#APPLIED}, with
     * {@code notApplied} set when the model changed nothing and why) or already written by an
     * earlier run of the same batch ({@link ApplyResult#DUPLICATE}).
     */
    public record BulkResult(BulkChange change, ApplyResult result, String notApplied) {
    }

    /** The full current state of an address (strongly consistent). */
    public AddressState read(EmailAddress address) {
        return readKey(addressKeys.keyOf(address));
    }

    /** The full current state of the address whose table key this is (strongly consistent). */
    public AddressState readKey(String key) {
        return decodeState(key, writer.read(key, "a read"));
    }

    /**
     * The address keys of the state items whose strongest stop that can expire counts its expiry
     * from {@code day} (UTC), from the sparse index {@link TableLayout#STOP_EXPIRY_INDEX}. The index
     * is eventually consistent: read each state again before judging it.
     */
    public List<String> keysWithExpiryDay(java.time.LocalDate day) {
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                Map<String, AttributeValue> from = start;
                QueryResponse page = dynamo.query(r -> r.tableName(tableName).indexName(STOP_EXPIRY_INDEX)
                        .keyConditionExpression("#day = :day").expressionAttributeNames(Map.of("#day", EXPIRY_DAY))
                        .expressionAttributeValues(Map.of(":day", s(day.toString()))).exclusiveStartKey(from));
                for (Map<String, AttributeValue> item : page.items()) {
                    String pk = item.get(PK).s();
                    if (pk.startsWith(ADDRESS_PREFIX) && STATE_SK.equals(item.get(SK).s())) {
                        keys.add(pk.substring(ADDRESS_PREFIX.length()));
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table's " + STOP_EXPIRY_INDEX + " index unavailable: " + e.getMessage(), e);
        }
        return keys;
    }

    /** Whether a change with this idempotency key was already written (its record has not expired yet). */
    public boolean written(String idempotencyKey) {
        try {
            return dynamo.getItem(r -> r.tableName(tableName).key(DedupeRecords.key(idempotencyKey)).consistentRead(true)
                    .projectionExpression("#pk").expressionAttributeNames(Map.of("#pk", PK))).hasItem();
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for an idempotency read: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the history of the address whose key this is holds an entry of {@code action} whose
     * evidence has every entry of {@code evidence} (strongly consistent; the history is kept for
     * good, unlike the idempotency records).
     */
    public boolean historyHas(String key, Action action, Map<String, String> evidence) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", PK, "#sk", SK, "#action", "action", "#ev", "evidence"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(ADDRESS_PREFIX + key), ":h", s(HISTORY_PREFIX),
                ":action", s(action.name())));
        StringBuilder filter = new StringBuilder("#action = :action");
        int i = 0;
        for (Map.Entry<String, String> e : evidence.entrySet()) {
            names.put("#e" + i, e.getKey());
            values.put(":e" + i, s(e.getValue()));
            filter.append(" AND #ev.#e").append(i).append(" = :e").append(i);
            i++;
        }
        try {
            for (QueryResponse page : dynamo.queryPaginator(r -> r.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :h)").filterExpression(filter.toString())
                    .projectionExpression("#sk").expressionAttributeNames(names).expressionAttributeValues(values))) {
                if (!page.items().isEmpty()) {
                    return true;
                }
            }
            return false;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for a history read: " + e.getMessage(), e);
        }
    }

    /**
     * Records a finding about the address whose key this is through the consent model (the history
     * item and the state as read, on the condition that its version is still {@code expectedVersion}),
     * at most once for the change's idempotency key.
     *
     * @throws StaleStateException the state changed since it was read at {@code expectedVersion}: judge it again
     */
    public ApplyResult recordFinding(String key, Change change, long expectedVersion) {
        return writer.write(new ConsentWriter.Write(Objects.requireNonNull(key), null, List.of(change), change.idempotencyKey(),
                expectedVersion, false)).result();
    }

    /**
     * The consent model's state of an address (strongly consistent), as the writer reads it: the
     * slots in full (a person's GO included, which {@link AddressState} has no place for).
     */
    public ConsentState readConsent(EmailAddress address) {
        return StateCodec.consent(writer.read(addressKeys.keyOf(address), "a read"));
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
            // the whole partition, newest first: the state item (sk STATE sorts after H#) comes first,
            // with any history item an import has not yet written on its own (its outbox)
            QueryResponse response = dynamo.query(r -> r.tableName(tableName)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", s(ADDRESS_PREFIX + key)))
                    .scanIndexForward(false)
                    .limit(limit + HISTORY_MARGIN + 1));
            List<HistoryEvent> events = historyOf(response.items());
            return events.size() > limit ? new ArrayList<>(events.subList(0, limit)) : events;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /** The whole history of an address, newest first by each event's own time (a subject access request, an operator's lookup). */
    public List<HistoryEvent> fullHistory(EmailAddress address) {
        String key = addressKeys.keyOf(address);
        try {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            dynamo.queryPaginator(r -> r.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", s(ADDRESS_PREFIX + key)))
                    .scanIndexForward(false)).items().forEach(items::add);
            return historyOf(items);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable: " + e.getMessage(), e);
        }
    }

    /** The history items among an address's items, and those still only in its state item's outbox; newest first. */
    private static List<HistoryEvent> historyOf(List<Map<String, AttributeValue>> items) {
        List<HistoryEvent> events = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Map<String, AttributeValue> outbox = Map.of();
        for (Map<String, AttributeValue> item : items) {
            String sk = item.get(SK).s();
            if (sk.startsWith(HISTORY_PREFIX)) {
                seen.add(sk);
                events.add(HistoryCodec.decode(item));
            } else if (sk.equals(STATE_SK) && item.containsKey(StateCodec.OUTBOX)) {
                outbox = item.get(StateCodec.OUTBOX).m();
            }
        }
        outbox.forEach((sk, history) -> {
            if (!seen.contains(sk)) {
                events.add(HistoryCodec.decode(history.m()));
            }
        });
        events.sort(NEWEST_FIRST);
        return events;
    }

    /**
     * Housekeeping for the soft-bounce count: forgets counted soft bounces older than
     * {@code cutoff}, which can no longer count towards the threshold. No status changes, so no
     * history event; an address without a state item is left alone. Written like every state
     * write: conditioned on the version read, read again on a conflict.
     */
    public void dropSoftBouncesBefore(EmailAddress address, Instant cutoff) {
        writer.dropSoftBouncesBefore(addressKeys.keyOf(address), cutoff);
    }
}
