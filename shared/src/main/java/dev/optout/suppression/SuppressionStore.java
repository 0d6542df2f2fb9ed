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
    private static final DateTimeFormatter HISTORY_TIME = DateTimeFormatter.ISO_INSTANT;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final AddressKeys addressKeys;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

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

    /** Applies one change atomically with its history event. */
    public ApplyResult apply(EmailAddress address, Change change) {
        return apply(addressKeys.keyOf(address), Objects.requireNonNull(address), change);
    }

    /**
     * Applies one change to the address whose table key this is, when only the key is known (a
     * mailto: token carries the key, not the address). The state item keeps the address it
     * already holds, if any; none is added.
     */
    public ApplyResult applyToKey(String addressKey, Change change) {
        if (change.action() == Action.FORGET_ADDRESS) {
            throw new IllegalArgumentException("FORGET_ADDRESS needs the address");
        }
        return apply(Objects.requireNonNull(addressKey), null, change);
    }

    private ApplyResult apply(String key, EmailAddress address, Change change) {
        List<TransactWriteItem> items = new ArrayList<>(3);
        if (change.idempotencyKey() != null) {
            items.add(TransactWriteItem.builder().put(dedupeRecord(change)).build());
        }
        items.add(TransactWriteItem.builder().update(stateUpdate(key, address, change)).build());
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

    private Update stateUpdate(String key, EmailAddress address, Change change) {
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
        if (change.action() == Action.FORGET_ADDRESS) {
            names.put("#addr", ADDRESS);
            remove.add("#addr");
        } else if (address != null) {
            names.put("#addr", ADDRESS);
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
                // the address attribute is removed above
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
        return Update.builder().tableName(tableName).key(stateKey(key))
                .updateExpression(expr.toString())
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

    private Put dedupeRecord(Change change) {
        long expires = clock.instant().plus(DEDUPE_RETENTION).getEpochSecond();
        return Put.builder().tableName(tableName)
                .item(Map.of(PK, s(DEDUPE_PREFIX + sha256(change.idempotencyKey())), SK, s("D"),
                        EXPIRES_AT, AttributeValue.fromN(Long.toString(expires))))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))
                .build();
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
