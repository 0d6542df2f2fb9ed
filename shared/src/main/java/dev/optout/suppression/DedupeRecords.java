package dev.optout.suppression;

import static dev.optout.suppression.TableLayout.*;

import dev.optout.text.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;

/**
 * The idempotency records ({@code pk = D#hash, sk = D}): written in the same transaction as the
 * change they guard, on the condition that none exists yet, so a change delivered twice is
 * written once. They expire by the table's TTL after {@link #RETENTION}.
 */
public final class DedupeRecords {
    /** How long an idempotency record is kept: longer than SQS retention (14 days) plus redrives. */
    public static final Duration RETENTION = Duration.ofDays(30);

    private DedupeRecords() {
    }

    public static Put put(String tableName, String idempotencyKey, Instant now) {
        long expires = now.plus(RETENTION).getEpochSecond();
        return Put.builder().tableName(tableName)
                .item(Map.of(PK, s(DEDUPE_PREFIX + sha256(idempotencyKey)), SK, s("D"),
                        EXPIRES_AT, AttributeValue.fromN(Long.toString(expires))))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))
                .build();
    }

    /** The key of the idempotency record of {@code idempotencyKey}. */
    public static Map<String, AttributeValue> key(String idempotencyKey) {
        return Map.of(PK, s(DEDUPE_PREFIX + sha256(idempotencyKey)), SK, s("D"));
    }

    /** The digest a dedupe record is keyed by (URL-safe Base64, no padding): stored, so it never changes. */
    static String sha256(String text) {
        return Sha256.base64Url(Sha256.of(text));
    }
}
