package dev.optout.optin;

import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.TableLayout;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The double opt-ins waiting for their confirmation, and the counters that keep the subscribe
 * form from mailing strangers, in the suppression table:
 *
 * <pre>
 * pk = A#&lt;address key&gt;       sk = OPTIN       one pending opt-in per address: topics, language, the
 *                                             request's evidence, when asked for, when the last mail
 *                                             went, when confirmed; expires by TTL
 * pk = R#&lt;keyed hash of IP&gt;   sk = &lt;hour&gt;    requests from one network address in one hour; expires by TTL
 * </pre>
 *
 * The pending item holds no address (the confirmation link seals it), and it sits in the
 * address's partition, so {@code forget} reaches it. The IP counter's key is an HMAC of the
 * address under a key of the caller's, so the table holds no IP in clear.
 */
public final class PendingOptIns {
    public static final String SK = "OPTIN";
    static final String RATE_PREFIX = "R#";
    static final String TOPICS = "topics";
    static final String LANG = "lang";
    static final String NONCE = "nonce";
    static final String REQUESTED_AT = "requestedAt";
    static final String LAST_SENT_AT = "lastSentAt";
    static final String CONFIRMED_AT = "confirmedAt";
    static final String EVIDENCE = "evidence";
    static final String COUNT = "n";

    private final DynamoDbClient dynamo;
    private final String table;

    public PendingOptIns(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
    }

    /**
     * A pending opt-in.
     *
     * @param nonce       names this request; its confirmation link carries it
     * @param evidence    the request's evidence (channel, words and version, network details as kept)
     * @param confirmedAt when it was confirmed, or null
     */
    public record Pending(List<String> topics, String language, String nonce, Instant requestedAt, Instant lastSentAt,
                          Map<String, String> evidence, Instant confirmedAt) {
        public Pending {
            topics = List.copyOf(topics);
            evidence = Map.copyOf(evidence);
        }
    }

    /**
     * Records a request and answers true when its confirmation mail may go now: no mail went to
     * this address within {@code spacing}. Otherwise nothing is written (the earlier request stands).
     */
    public boolean recordIfDue(String addressKey, Pending p, Duration spacing, Duration keep) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableLayout.PK, s(TableLayout.ADDRESS_PREFIX + addressKey));
        item.put(TableLayout.SK, s(SK));
        item.put(TOPICS, AttributeValue.fromSs(p.topics()));
        item.put(LANG, s(p.language()));
        item.put(NONCE, s(p.nonce()));
        item.put(REQUESTED_AT, s(p.requestedAt().toString()));
        item.put(LAST_SENT_AT, n(p.lastSentAt().getEpochSecond()));
        item.put(TableLayout.EXPIRES_AT, n(p.requestedAt().plus(keep).getEpochSecond()));
        Map<String, AttributeValue> ev = new LinkedHashMap<>();
        p.evidence().forEach((k, v) -> ev.put(k, s(v)));
        item.put(EVIDENCE, AttributeValue.fromM(ev));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #last < :due")
                    .expressionAttributeNames(Map.of("#pk", TableLayout.PK, "#last", LAST_SENT_AT))
                    .expressionAttributeValues(Map.of(":due", n(p.lastSentAt().minus(spacing).getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable (pending opt-in): " + e.getMessage(), e);
        }
    }

    /** The pending opt-in of this address, if there is one (strongly consistent). */
    public Optional<Pending> read(String addressKey) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(addressKey))).item();
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable (pending opt-in): " + e.getMessage(), e);
        }
        if (item == null || item.isEmpty() || !item.containsKey(NONCE)) {
            return Optional.empty();
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        AttributeValue ev = item.get(EVIDENCE);
        if (ev != null && ev.hasM()) {
            ev.m().forEach((k, v) -> evidence.put(k, v.s()));
        }
        return Optional.of(new Pending(item.get(TOPICS).ss(), item.get(LANG).s(), item.get(NONCE).s(),
                Instant.parse(item.get(REQUESTED_AT).s()), Instant.ofEpochSecond(Long.parseLong(item.get(LAST_SENT_AT).n())),
                evidence, item.containsKey(CONFIRMED_AT) ? Instant.parse(item.get(CONFIRMED_AT).s()) : null));
    }

    /** Marks the request named by {@code nonce} confirmed (kept until it expires, so a second POST says so). */
    public void markConfirmed(String addressKey, String nonce, Instant at) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(addressKey))
                    .updateExpression("SET #c = :at")
                    .conditionExpression("#nonce = :nonce")
                    .expressionAttributeNames(Map.of("#c", CONFIRMED_AT, "#nonce", NONCE))
                    .expressionAttributeValues(Map.of(":at", s(at.toString()), ":nonce", s(nonce))));
        } catch (ConditionalCheckFailedException e) {
            // a newer request took its place meanwhile: the opt-in itself is written
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable (pending opt-in): " + e.getMessage(), e);
        }
    }

    /**
     * Counts one request from {@code ip} in the hour of {@code now} and answers whether it is
     * within {@code perHour}. A request without an address counts under "unknown".
     */
    public boolean withinRate(byte[] hashKey, String ip, Instant now, int perHour) {
        long hour = now.getEpochSecond() / 3600;
        Map<String, AttributeValue> k = Map.of(TableLayout.PK, s(RATE_PREFIX + hmac(hashKey, ip == null ? "unknown" : ip)),
                TableLayout.SK, s(Long.toString(hour)));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(k)
                    .updateExpression("ADD #n :one SET #exp = :exp")
                    .conditionExpression("attribute_not_exists(#n) OR #n < :limit")
                    .expressionAttributeNames(Map.of("#n", COUNT, "#exp", TableLayout.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(perHour), ":exp", n((hour + 2) * 3600))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new StoreUnavailableException("suppression table unavailable (rate limit): " + e.getMessage(), e);
        }
    }

    private static String hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static Map<String, AttributeValue> key(String addressKey) {
        return Map.of(TableLayout.PK, s(TableLayout.ADDRESS_PREFIX + addressKey), TableLayout.SK, s(SK));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }
}
