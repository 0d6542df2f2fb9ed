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
    private static final DateTimeFormatter HISTORY_TIME = DateTimeFormatter.ISO_INSTANT;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final AddressKeys addressKeys;
    private final Clock clock;
    /** History sort-key suffixes (H#time#random): renewed after a SnapStart restore, so restored environments never collide. */
    private final RenewableRandom random;

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

    /** Applies one change atomically with its history event. */
    public ApplyResult apply(EmailAddress address, Change change) {
        return applyAll(address, List.of(change), change.idempotencyKey());
    }

    /**
     * Applies several changes to one address in ONE transaction: the state item is updated once
     * (all changes in one update expression; where two touch the same attribute the later one
     * wins) and each change gets its own history item, so they commit together or not at all.
     *
     * @param idempotencyKey when set, the changes are applied at most once for this key; a repeat
     *                       answers {@link ApplyResult#DUPLICATE} and writes nothing
     * @throws IllegalArgumentException with no changes, or more than {@link #MAX_CHANGES_PER_TRANSACTION}
     */
    public ApplyResult applyAll(EmailAddress address, List<Change> changes, String idempotencyKey) {
        if (changes.isEmpty() || changes.size() > MAX_CHANGES_PER_TRANSACTION) {
            throw new IllegalArgumentException("between 1 and " + MAX_CHANGES_PER_TRANSACTION
                    + " changes per transaction, got " + changes.size());
        }
        String key = addressKeys.keyOf(address);
        List<TransactWriteItem> items = new ArrayList<>(changes.size() + 2);
        if (idempotencyKey != null) {
            items.add(TransactWriteItem.builder().put(dedupeRecord(idempotencyKey)).build());
        }
        items.add(TransactWriteItem.builder().update(stateUpdate(key, address, changes)).build());
        for (Change change : changes) {
            items.add(TransactWriteItem.builder().put(historyRecord(key, change)).build());
        }
        String what = changes.size() == 1 ? changes.get(0).action().name() : changes.size() + " changes";
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return ApplyResult.APPLIED;
        } catch (TransactionCanceledException e) {
            if (idempotencyKey != null && isDuplicate(e)) {
                return ApplyResult.DUPLICATE;
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
        items.add(TransactWriteItem.builder().put(historyRecord(key, change)).build());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return ApplyResult.APPLIED;
        } catch (TransactionCanceledException e) {
            if (change.idempotencyKey() != null && isDuplicate(e)) {
                return ApplyResult.DUPLICATE;
            }
            throw new StoreUnavailableException("suppression table rejected " + change.action() + ": " + reasons(e), e);
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable for " + change.action() + ": " + e.getMessage(), e);
        }
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

    private Update stateUpdate(String key, EmailAddress address, List<Change> changes) {
        UpdateExpression e = new UpdateExpression();
        e.set(UPDATED_AT, s(clock.instant().toString()));
        e.setIfAbsent(CREATED_AT, s(clock.instant().toString()));
        for (Change change : changes) {
            if (change.action() == Action.FORGET_ADDRESS) {
                e.remove(ADDRESS);
            } else {
                e.set(ADDRESS, s(address.value()));
            }
            addTo(e, change);
        }
        return Update.builder().tableName(tableName).key(stateKey(key))
                .updateExpression(e.expression())
                .expressionAttributeNames(e.names())
                .expressionAttributeValues(e.values())
                .build();
    }

    /** One change's part of the state update. */
    private void addTo(UpdateExpression e, Change change) {
        Provenance p = change.provenance();
        Mark mark = new Mark(p.at(), p.source(), p.campaignId(), change.detail());
        switch (change.action()) {
            case UNSUBSCRIBE_ALL -> e.setIfAbsent(UNSUBSCRIBED_ALL, markValue(mark));
            case RESUBSCRIBE_ALL -> {
                // The person's explicit "send me mail again": lifts their own opt-out, a complaint
                // and a soft-bounce suppression, never a hard bounce (see LIFT_BOUNCE).
                e.remove(UNSUBSCRIBED_ALL);
                e.remove(COMPLAINT);
                e.remove(SOFT_BOUNCE);
                e.remove(SOFT_BOUNCE_TIMES);
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
            case FORGET_ADDRESS -> {
                // the address attribute is removed by stateUpdate
            }
            default -> throw new IllegalArgumentException("unhandled action " + change.action());
        }
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

    private Put historyRecord(String key, Change change) {
        Provenance p = change.provenance();
        Instant now = clock.instant();
        byte[] suffix = new byte[6];
        random.nextBytes(suffix);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(ADDRESS_PREFIX + key));
        // Sorted by the time of writing, so "newest first" is the order in which changes were made.
        item.put(SK, s(HISTORY_PREFIX + HISTORY_TIME.format(now.truncatedTo(ChronoUnit.MILLIS)) + "#"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(suffix)));
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
        if (!p.evidence().isEmpty()) {
            Map<String, AttributeValue> ev = new HashMap<>();
            p.evidence().forEach((k, v) -> ev.put(k, s(v)));
            item.put("evidence", AttributeValue.fromM(ev));
        }
        return Put.builder().tableName(tableName).item(item).build();
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

    private static boolean isDuplicate(TransactionCanceledException e) {
        // The dedupe record is always the first item of the transaction.
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons != null && !reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code());
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
                item.containsKey("tokenIssuedAt") ? Instant.parse(item.get("tokenIssuedAt").s()) : null, evidence);
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
