package dev.optout.suppression;

import static dev.optout.suppression.TableLayout.*;

import dev.optout.address.EmailAddress;
import dev.optout.consent.ConsentModel;
import dev.optout.consent.ConsentState;
import dev.optout.consent.Entry;
import dev.optout.consent.Outcome;
import dev.optout.consent.Slot;
import dev.optout.snapstart.RenewableRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The consent model's writer. Every change to a person's state is: read the state item
 * (strongly consistent), put the changes through {@link ConsentModel}, then ONE
 * {@code TransactWriteItems} of the idempotency record, the state item as the model left it
 * (written on the condition that it is still the version that was read; a new item on the
 * condition that none exists) and one history item per change with the model's verdict on it.
 * When the model changed nothing (every change older than what stands, or without the
 * authority), the state item is written back as it was read (same version, under the same
 * condition), and the history says why.
 *
 * <p>When another writer got there first, the state is read again and the changes applied again
 * (a bounded number of attempts, waits with full jitter from a {@link RenewableRandom}); a save
 * planned from a version the caller read (a form) is not retried but refused with
 * {@link StaleStateException}. The forgotten guard is part of the same condition: an address
 * erased since it was read makes the version move, and the next attempt writes without it.
 */
final class ConsentWriter {
    /** Attempts in all when other writers keep changing the address in between. */
    static final int MAX_ATTEMPTS = 12;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final Clock clock;
    /** History sort-key suffixes and conflict waits: renewed after a SnapStart restore. */
    private final RenewableRandom random;
    private final UnprocessedRetry backoff;
    /** The time in the last history sort key this writer wrote (see {@link #historyKeyTime}). */
    private final AtomicLong lastHistoryMillis = new AtomicLong();

    ConsentWriter(DynamoDbClient dynamo, String tableName, Clock clock, RenewableRandom random) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.tableName = Objects.requireNonNull(tableName);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
        this.backoff = new UnprocessedRetry(10, 1_000, MAX_ATTEMPTS, random);
    }

    /**
     * One write of several changes to one address.
     *
     * @param address         the address, or {@code null} when only the key is known (the item keeps what it holds)
     * @param expectedVersion the version the caller planned from, or {@code null} to apply to whatever stands
     * @param erase           the caller knows the address is forgotten: write nothing that names it
     */
    record Write(String key, EmailAddress address, List<Change> changes, String idempotencyKey, Long expectedVersion,
                 boolean erase) {
        String what() {
            return changes.size() == 1 ? changes.get(0).action().name() : changes.size() + " changes";
        }
    }

    /**
     * What one write did: written or a duplicate, the model's verdict on each change (none for a
     * duplicate), and the state item as the write left it (null when not known: a duplicate, an import row).
     */
    record Written(ApplyResult result, List<HistoryCodec.Verdict> verdicts, Map<String, AttributeValue> state) {
        Written(ApplyResult result, List<HistoryCodec.Verdict> verdicts) {
            this(result, verdicts, null);
        }
    }

    /** The model's decision on a write, from the item as read. */
    private record Plan(Map<String, AttributeValue> item, long version, boolean exists, List<Change> changes, ConsentState state,
                        boolean changed, boolean erasing, List<HistoryCodec.Verdict> verdicts) {
    }

    private Plan plan(Write w, Map<String, AttributeValue> item) {
        long version = StateCodec.version(item);
        ConsentState before = StateCodec.consent(item);
        boolean erasing = w.address() != null && (w.erase() || before.forgotten()
                || w.changes().stream().anyMatch(c -> c.action() == Action.FORGET_ADDRESS));
        List<Change> changes = erasing ? erased(w.address(), w.changes()) : w.changes();
        ConsentState state = before;
        boolean changed = false;
        List<HistoryCodec.Verdict> verdicts = new ArrayList<>(changes.size());
        for (Change change : changes) {
            Outcome o = ConsentModel.apply(state, change);
            state = o.state();
            changed |= o.changed();
            verdicts.add(HistoryCodec.Verdict.of(o.effects()));
        }
        return new Plan(item, version, !item.isEmpty(), changes, erasing ? erase(state, w.address()) : state, changed, erasing, verdicts);
    }

    Written write(Write w) {
        String what = w.what();
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> item = read(w.key(), what);
            if (w.expectedVersion() != null && StateCodec.version(item) != w.expectedVersion()) {
                throw new StaleStateException(w.expectedVersion(), StateCodec.version(item));
            }
            flushOutbox(item, what);
            Plan plan = plan(w, item);
            Instant now = clock.instant();
            List<TransactWriteItem> items = new ArrayList<>(plan.changes().size() + 2);
            if (w.idempotencyKey() != null) {
                items.add(TransactWriteItem.builder().put(DedupeRecords.put(tableName, w.idempotencyKey(), now)).build());
            }
            TransactWriteItem stateItem = stateItem(w, plan, now, null);
            int stateIndex = stateItem == null ? -1 : items.size();
            if (stateItem != null) {
                items.add(stateItem);
            }
            for (int i = 0; i < plan.changes().size(); i++) {
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                        .item(HistoryCodec.encode(w.key(), nextSortKey(now), plan.changes().get(i), now, plan.verdicts().get(i))).build()).build());
            }
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                return new Written(ApplyResult.APPLIED, plan.verdicts(), stateItem == null ? plan.item() : stateItem.put().item());
            } catch (TransactionCanceledException e) {
                if (w.idempotencyKey() != null && failedCondition(e, 0)) {
                    return new Written(ApplyResult.DUPLICATE, List.of());
                }
                if (stateIndex >= 0 && failedCondition(e, stateIndex) && retry(w, plan, attempt, what)) {
                    continue;
                }
                throw new StoreUnavailableException("suppression table rejected " + what + ": " + reasons(e)
                        + (attempt > 1 ? " (after " + attempt + " attempts)" : ""), e);
            } catch (SdkException e) {
                throw new StoreUnavailableException("suppression table unavailable for " + what + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The state condition failed: whether another writer moved the state (then wait and apply
     * again), or the caller planned from a version (then {@link StaleStateException}).
     */
    private boolean retry(Write w, Plan plan, int attempt, String what) {
        Map<String, AttributeValue> now = read(w.key(), what);
        if (w.expectedVersion() != null) {
            throw new StaleStateException(w.expectedVersion(), StateCodec.version(now));
        }
        if (now.equals(plan.item()) || attempt >= MAX_ATTEMPTS) {
            return false; // nothing moved: the condition failed for another reason
        }
        pause(attempt, what);
        return true;
    }

    /**
     * One imported change, without a transaction: moto copies the whole table for each item of a
     * {@code TransactWriteItems}, which makes a transaction per row unusable for an import of any
     * size locally, and on DynamoDB it would double the write units. Still through the model and
     * conditioned on the version read, and safe to replay after a crash:
     * <ol>
     *   <li>the state item is written with the row's history item inside it ({@code outbox}),
     *       conditioned on the version read;</li>
     *   <li>then the history item is written under its fixed sort key;</li>
     *   <li>every later write of the address first writes whatever the outbox holds (the same
     *       item again, so harmless when it was written), then drops it.</li>
     * </ol>
     * A row the model does not apply (older than what stands) writes its history item only.
     * A replay of the row finds its history item written, or in the outbox: a duplicate.
     *
     * @param sortKey the history item's fixed sort key (from the batch time and the row's key)
     */
    Written writeOne(Write w, String sortKey) {
        String what = w.what();
        Map<String, AttributeValue> historyKey = Map.of(PK, s(ADDRESS_PREFIX + w.key()), SK, s(sortKey));
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> item = read(w.key(), what);
            boolean replay = outbox(item).containsKey(sortKey);
            flushOutbox(item, what);
            if (replay || exists(historyKey, what)) {
                return new Written(ApplyResult.DUPLICATE, List.of());
            }
            Plan plan = plan(w, item);
            Instant now = clock.instant();
            Map<String, AttributeValue> history = HistoryCodec.encode(w.key(), sortKey, plan.changes().get(0), now, plan.verdicts().get(0));
            try {
                if (plan.changed()) {
                    // a row the model did not apply leaves the state as it is: only its history item is written
                    Put p = stateItem(w, plan, now, Map.of(sortKey, AttributeValue.fromM(history))).put();
                    dynamo.putItem(r -> r.tableName(tableName).item(p.item()).conditionExpression(p.conditionExpression())
                            .expressionAttributeNames(p.expressionAttributeNames()).expressionAttributeValues(p.expressionAttributeValues()));
                }
                dynamo.putItem(r -> r.tableName(tableName).item(history));
                return new Written(ApplyResult.APPLIED, plan.verdicts());
            } catch (ConditionalCheckFailedException e) {
                if (retry(w, plan, attempt, what)) {
                    continue;
                }
                throw new StoreUnavailableException("suppression table rejected " + what + ": " + e.getMessage()
                        + (attempt > 1 ? " (after " + attempt + " attempts)" : ""), e);
            } catch (SdkException e) {
                throw new StoreUnavailableException("suppression table unavailable for " + what + ": " + e.getMessage(), e);
            }
        }
    }

    private static Map<String, AttributeValue> outbox(Map<String, AttributeValue> item) {
        AttributeValue outbox = item.get(StateCodec.OUTBOX);
        return outbox == null || !outbox.hasM() ? Map.of() : outbox.m();
    }

    /** Writes the history items a state item still holds in its outbox (again, if they were written). */
    private void flushOutbox(Map<String, AttributeValue> item, String what) {
        for (AttributeValue history : outbox(item).values()) {
            try {
                dynamo.putItem(r -> r.tableName(tableName).item(history.m()));
            } catch (SdkException e) {
                throw new StoreUnavailableException("suppression table unavailable for " + what + ": " + e.getMessage(), e);
            }
        }
    }

    private boolean exists(Map<String, AttributeValue> key, String what) {
        try {
            return dynamo.getItem(r -> r.tableName(tableName).key(key).consistentRead(true).projectionExpression("#pk")
                    .expressionAttributeNames(Map.of("#pk", PK))).hasItem();
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The state item's part of the transaction: the new item when the model changed something,
     * else a check that the state is still what the model judged against.
     */
    private TransactWriteItem stateItem(Write w, Plan plan, Instant now, Map<String, AttributeValue> outbox) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>(2);
        if (!plan.exists()) {
            names.put("#pk", PK);
            conditions.add("attribute_not_exists(#pk)");
        } else if (plan.version() == 0) {
            // an item written before versions were kept: the first versioned write claims it
            names.put("#pk", PK);
            names.put("#ver", VERSION);
            conditions.add("attribute_exists(#pk) AND attribute_not_exists(#ver)");
        } else {
            names.put("#ver", VERSION);
            values.put(":ver", AttributeValue.fromN(Long.toString(plan.version())));
            conditions.add("#ver = :ver");
        }
        boolean write = plan.changed();
        if (write && !plan.erasing() && w.address() != null) {
            // The forgotten guard, for every writer: no path writes addr back.
            names.put("#forgotten", FORGOTTEN);
            conditions.add("attribute_not_exists(#forgotten)");
        }
        String condition = String.join(" AND ", conditions);
        Map<String, AttributeValue> next;
        if (!write && !plan.exists()) {
            return null; // nothing to write and nothing to guard: the history alone
        } else if (!write) {
            // The state as read, written back under the same condition: the verdict stands only if
            // nothing changed since (a Put, not a ConditionCheck, which the functions' roles do not allow)
            next = plan.item();
        } else {
            next = new HashMap<>(StateCodec.encode(w.key(), plan.item(), plan.state(), plan.erasing() ? null : w.address(), now,
                    plan.version() + 1));
        }
        if (outbox != null) {
            next = new HashMap<>(next);
            next.put(StateCodec.OUTBOX, AttributeValue.fromM(outbox));
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(next)
                .conditionExpression(condition).expressionAttributeNames(names)
                .expressionAttributeValues(values.isEmpty() ? null : values).build()).build();
    }

    /**
     * Housekeeping for the soft-bounce count: forgets counted soft bounces older than
     * {@code cutoff}, which can no longer count towards the threshold. No history event (no mark
     * changes); an address without a state item is left alone.
     */
    void dropSoftBouncesBefore(String key, Instant cutoff) {
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> item = read(key, "soft-bounce pruning");
            if (item.isEmpty()) {
                return;
            }
            ConsentState state = StateCodec.consent(item);
            List<Instant> kept = state.softBounces().stream().filter(t -> !t.isBefore(cutoff)).toList();
            if (kept.size() == state.softBounces().size()) {
                return;
            }
            long version = state.version();
            ConsentState pruned = new ConsentState(new TreeMap<>(state.slots()), kept, state.countsClearedAt(), version);
            Map<String, AttributeValue> next = StateCodec.encode(key, item, pruned, null, clock.instant(), version + 1);
            try {
                if (version == 0) {
                    dynamo.putItem(r -> r.tableName(tableName).item(next).expressionAttributeNames(Map.of("#pk", PK, "#ver", VERSION))
                            .conditionExpression("attribute_exists(#pk) AND attribute_not_exists(#ver)"));
                } else {
                    dynamo.putItem(r -> r.tableName(tableName).item(next).expressionAttributeNames(Map.of("#ver", VERSION))
                            .conditionExpression("#ver = :ver")
                            .expressionAttributeValues(Map.of(":ver", AttributeValue.fromN(Long.toString(version)))));
                }
                return;
            } catch (ConditionalCheckFailedException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw new StoreUnavailableException("the state kept changing during soft-bounce pruning (" + attempt + " attempts)", e);
                }
                pause(attempt, "soft-bounce pruning");
            } catch (SdkException e) {
                throw new StoreUnavailableException("suppression table unavailable for soft-bounce pruning: " + e.getMessage(), e);
            }
        }
    }

    /** The state item as it stands (strongly consistent); empty when none. */
    Map<String, AttributeValue> read(String key, String what) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tableName).key(stateKey(key)).consistentRead(true)).item();
            return item == null ? Map.of() : item;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for " + what + ": " + e.getMessage(), e);
        }
    }

    private void pause(int attempt, String what) {
        try {
            Thread.sleep(backoff.delay(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while retrying " + what);
        }
    }

    static List<Change> erased(EmailAddress address, List<Change> changes) {
        return changes.stream().map(c -> erased(address, c)).toList();
    }

    static Change erased(EmailAddress address, Change change) {
        String detail = Erasure.mentions(change.detail(), address) ? null : change.detail();
        return new Change(change.action(), change.topic(), change.frequency(), detail,
                change.provenance().erasing(address), change.idempotencyKey());
    }

    /** The state with every mark's text that mentions the address dropped (the marks stay). */
    private static ConsentState erase(ConsentState state, EmailAddress address) {
        TreeMap<Slot, Entry> slots = new TreeMap<>();
        state.slots().forEach((slot, e) -> {
            Mark m = e.mark();
            Mark kept = new Mark(m.at(), m.source(), Erasure.mentions(m.campaignId(), address) ? null : m.campaignId(),
                    Erasure.mentions(m.detail(), address) ? null : m.detail());
            slots.put(slot, new Entry(e.value(), e.frequency(), kept, e.since()));
        });
        return new ConsentState(slots, state.softBounces(), state.countsClearedAt(), state.version());
    }

    /**
     * The millisecond for a history sort key: the time of writing, moved on by a millisecond when
     * this writer already wrote one for that millisecond, so that two changes one writer makes in
     * a row (a soft bounce and the suppression it triggers) sort in the order they were made,
     * never by the random suffix. {@code recordedAt} keeps the exact time.
     */
    private Instant historyKeyTime(Instant now) {
        long ms = now.toEpochMilli();
        long used = lastHistoryMillis.accumulateAndGet(ms, (last, t) -> Math.max(t, last + 1));
        return Instant.ofEpochMilli(used);
    }

    /** A history sort key for a change written now: after any this writer wrote before, with a random suffix. */
    String nextSortKey(Instant now) {
        return HistoryCodec.sortKey(historyKeyTime(now), randomSuffix());
    }

    private String randomSuffix() {
        byte[] suffix = new byte[6];
        random.nextBytes(suffix);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(suffix);
    }

    /** Whether item {@code index} of the cancelled transaction failed its condition. */
    static boolean failedCondition(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons != null && reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    static String reasons(TransactionCanceledException e) {
        if (e.cancellationReasons() == null) {
            return e.getMessage();
        }
        List<String> codes = new ArrayList<>();
        e.cancellationReasons().forEach(r -> codes.add(String.valueOf(r.code())));
        return String.join(",", codes);
    }
}
