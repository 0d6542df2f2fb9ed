package dev.optout.campaign;

import static dev.optout.suppression.TableLayout.CAMPAIGN_PREFIX;
import static dev.optout.suppression.TableLayout.COUNTER_SK;
import static dev.optout.suppression.TableLayout.GUARD_SK;
import static dev.optout.suppression.TableLayout.PK;
import static dev.optout.suppression.TableLayout.SK;
import static dev.optout.suppression.TableLayout.s;

import dev.optout.check.CampaignPauses;
import dev.optout.check.SesTags;
import dev.optout.suppression.StoreUnavailableException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The campaign guard: per-campaign counters of sends, hard bounces and complaints (from SES
 * events), a pause when a rate crosses its threshold ({@link GuardThresholds}), and the operator's
 * resume. The check reads {@link #pausedSince} once per call and answers {@code CAMPAIGN_PAUSED}
 * for the campaign's marketing recipients while it is paused.
 *
 * <p>Items (see {@link dev.optout.suppression.TableLayout}): one guard item per campaign and
 * {@code shards} counter items under different partition keys, so a burst of events never makes
 * one item hot; the feedback function adds one batch's sums to one random shard.
 *
 * <p>Every failure to read or write is a {@link StoreUnavailableException}. Counting is at least
 * once: SQS may deliver a message twice, which can count it twice (rates stay close; nothing is
 * suppressed for a person by the guard).
 */
public final class CampaignGuard implements CampaignPauses {
    public static final String PAUSED = "PAUSED";
    public static final String RESUMED = "RESUMED";
    public static final String COMPLAINT_RATE = "COMPLAINT_RATE";
    public static final String BOUNCE_RATE = "BOUNCE_RATE";
    public static final String SENDER_REJECTIONS = "SENDER_REJECTIONS";
    /** A counter item's sender rejections of one provider: {@code rej:gmail.com}. */
    static final String REJECTIONS_PREFIX = "rej:";
    /** The actor recorded for automatic pauses. */
    public static final String GUARD_ACTOR = "campaign-guard";
    private static final int MAX_TEXT = 500;

    private final DynamoDbClient dynamo;
    private final String table;
    private final GuardThresholds thresholds;
    private final Clock clock;
    /**
     * Picks the counter shard. SecureRandom, not ThreadLocalRandom: after a SnapStart restore the
     * latter's seeds repeat in every environment, which would make them all pick the same shards
     * at once (the managed Java runtimes keep SecureRandom unique after restore).
     */
    private final SecureRandom shardPicker = new SecureRandom();
    /** Unprocessed keys: 9 attempts, waits of up to 500 ms; its jitter is seeded per thread on first use, after any restore. */
    private final dev.optout.suppression.UnprocessedRetry retry = new dev.optout.suppression.UnprocessedRetry(10, 500, 9,
            new dev.optout.snapstart.RenewableRandom());

    public CampaignGuard(DynamoDbClient dynamo, String table, GuardThresholds thresholds, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.thresholds = Objects.requireNonNull(thresholds);
        this.clock = Objects.requireNonNull(clock);
    }

    public GuardThresholds thresholds() {
        return thresholds;
    }

    /** The guard item's key for a campaign (its SES tag value). */
    public static Map<String, AttributeValue> guardKey(String campaign) {
        return Map.of(PK, s(CAMPAIGN_PREFIX + campaign), SK, s(GUARD_SK));
    }

    public static Map<String, AttributeValue> counterKey(String campaign, int shard) {
        return Map.of(PK, s(CAMPAIGN_PREFIX + campaign + "#" + shard), SK, s(COUNTER_SK));
    }

    /**
     * One strongly consistent read of the guard item. A BatchGetItem of one key rather than a
     * GetItem: the check's role may only batch-read the table (least privilege, template.yaml).
     */
    @Override
    public Optional<Instant> pausedSince(String campaign) {
        List<Map<String, AttributeValue>> items = batchGet(List.of(guardKey(SesTags.value(campaign))), true);
        if (items.isEmpty() || !Boolean.TRUE.equals(bool(items.get(0).get("paused")))) {
            return Optional.empty();
        }
        return Optional.of(Instant.parse(items.get(0).get("pausedAt").s()));
    }

    /**
     * Adds one batch's counts for a campaign to one random shard, then judges the campaign and
     * pauses it when a rate crossed its threshold.
     *
     * @return the new status when this call paused the campaign, else empty
     */
    public Optional<CampaignStatus> record(String campaign, CampaignCounts delta) {
        String c = SesTags.value(Objects.requireNonNull(campaign));
        if (delta.isZero()) {
            return Optional.empty();
        }
        int shard = shardPicker.nextInt(thresholds.shards());
        Map<String, String> names = new HashMap<>(Map.of("#sends", "sends", "#bounces", "bounces", "#complaints", "complaints",
                "#cmp", "cmp", "#updatedAt", "updatedAt"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":s", n(delta.sends()), ":b", n(delta.bounces()),
                ":c", n(delta.complaints()), ":cmp", s(c), ":now", s(clock.instant().toString())));
        StringBuilder add = new StringBuilder("ADD #sends :s, #bounces :b, #complaints :c");
        int i = 0;
        for (Map.Entry<String, Long> e : delta.senderRejections().entrySet()) {
            // one attribute per provider group (ReceivingProvider: four at most), so the item stays small
            names.put("#r" + i, REJECTIONS_PREFIX + ReceivingProvider.of(e.getKey()));
            values.put(":r" + i, n(e.getValue()));
            add.append(", #r").append(i).append(" :r").append(i);
            i++;
        }
        String update = add + " SET #cmp = :cmp, #updatedAt = :now";
        try {
            dynamo.updateItem(r -> r.tableName(table).key(counterKey(c, shard))
                    .updateExpression(update).expressionAttributeNames(names).expressionAttributeValues(values));
        } catch (SdkException e) {
            throw new StoreUnavailableException("campaign counters unwritable: " + e.getMessage(), e);
        }
        return judge(c);
    }

    /** Reads the campaign and pauses it if a threshold is crossed and it is not paused yet. */
    private Optional<CampaignStatus> judge(String campaign) {
        Snapshot snap = read(campaign);
        if (snap.paused) {
            return Optional.empty();
        }
        CampaignCounts judged = snap.total.minus(snap.baseline);
        GuardThresholds.Breach breach = thresholds.breach(judged);
        if (breach == null) {
            return Optional.empty();
        }
        String why = switch (breach) {
            case COMPLAINT_RATE -> COMPLAINT_RATE;
            case BOUNCE_RATE -> BOUNCE_RATE;
            case SENDER_REJECTIONS -> SENDER_REJECTIONS;
        };
        Instant now = clock.instant();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":true", AttributeValue.fromBool(true));
        values.put(":false", AttributeValue.fromBool(false));
        values.put(":at", s(now.toString()));
        values.put(":why", s(why));
        values.put(":v", n(snap.version));
        values.put(":cmp", s(campaign));
        values.put(":entry", AttributeValue.fromL(List.of(entry(PAUSED, now, why, GUARD_ACTOR, judged))));
        values.put(":empty", AttributeValue.fromL(List.of()));
        try {
            // The version guards against a resume between our read and this write.
            dynamo.updateItem(r -> r.tableName(table).key(guardKey(campaign))
                    .updateExpression("SET #paused = :true, #pausedAt = :at, #why = :why, #cmp = :cmp, "
                            + "#log = list_append(if_not_exists(#log, :empty), :entry)")
                    .conditionExpression("(attribute_not_exists(#paused) OR #paused = :false) "
                            + "AND (attribute_not_exists(#v) OR #v = :v)")
                    .expressionAttributeNames(Map.of("#paused", "paused", "#pausedAt", "pausedAt", "#why", "pauseReason",
                            "#cmp", "cmp", "#log", "log", "#v", "version"))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty(); // paused or resumed by someone else meanwhile
        } catch (SdkException e) {
            throw new StoreUnavailableException("campaign guard unwritable: " + e.getMessage(), e);
        }
        return Optional.of(status(campaign));
    }

    /**
     * The operator lets a paused campaign send again. The counts so far become the baseline: the
     * thresholds are judged afresh (minimum volume included) on what is sent from now on.
     *
     * @param reason why (kept in the campaign's log), required
     * @param actor  who (kept in the log), required
     * @return whether it was paused (and is now resumed), with the status after
     * @throws IllegalArgumentException when reason or actor is blank
     */
    public ResumeOutcome resume(String campaignId, String reason, String actor) {
        String campaign = SesTags.value(Objects.requireNonNull(campaignId, "campaign"));
        String why = required(reason, "reason");
        String who = required(actor, "actor");
        for (int attempt = 0; attempt < 3; attempt++) {
            Snapshot snap = read(campaign);
            if (!snap.paused) {
                return new ResumeOutcome(false, status(campaign));
            }
            Instant now = clock.instant();
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":true", AttributeValue.fromBool(true));
            values.put(":false", AttributeValue.fromBool(false));
            values.put(":at", s(now.toString()));
            values.put(":v", n(snap.version));
            values.put(":v1", n(snap.version + 1));
            values.put(":bs", n(snap.total.sends()));
            values.put(":bb", n(snap.total.bounces()));
            values.put(":bc", n(snap.total.complaints()));
            Map<String, AttributeValue> baseRejections = new HashMap<>();
            snap.total.senderRejections().forEach((k, v) -> baseRejections.put(k, n(v)));
            values.put(":br", AttributeValue.fromM(baseRejections));
            values.put(":entry", AttributeValue.fromL(List.of(entry(RESUMED, now, why, who, snap.total.minus(snap.baseline)))));
            try {
                dynamo.updateItem(r -> r.tableName(table).key(guardKey(campaign))
                        .updateExpression("SET #paused = :false, #resumedAt = :at, #v = :v1, #bs = :bs, "
                                + "#bb = :bb, #bc = :bc, #br = :br, #log = list_append(#log, :entry)")
                        .conditionExpression("#paused = :true AND (attribute_not_exists(#v) OR #v = :v)")
                        .expressionAttributeNames(Map.of("#paused", "paused", "#resumedAt", "resumedAt", "#v", "version",
                                "#bs", "baseSends", "#bb", "baseBounces", "#bc", "baseComplaints", "#br", "baseRejections",
                                "#log", "log"))
                        .expressionAttributeValues(values));
                return new ResumeOutcome(true, status(campaign));
            } catch (ConditionalCheckFailedException e) {
                // changed meanwhile: read again
            } catch (SdkException e) {
                throw new StoreUnavailableException("campaign guard unwritable: " + e.getMessage(), e);
            }
        }
        throw new StoreUnavailableException("campaign " + campaign + " kept changing while resuming it; try again");
    }

    /** @param resumed false when the campaign was not paused (nothing written) */
    public record ResumeOutcome(boolean resumed, CampaignStatus status) {
    }

    /** The campaign's counters (shards summed), pause state and log, read strongly consistent. */
    public CampaignStatus status(String campaignId) {
        String campaign = SesTags.value(campaignId);
        Snapshot snap = read(campaign);
        return new CampaignStatus(campaign, snap.paused, snap.pausedAt, snap.paused ? snap.pauseReason : null,
                snap.total, snap.total.minus(snap.baseline), snap.log);
    }

    /** The guard item and every counter shard in one consistent BatchGetItem (unprocessed keys retried). */
    private Snapshot read(String campaign) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        keys.add(guardKey(campaign));
        for (int i = 0; i < thresholds.shards(); i++) {
            keys.add(counterKey(campaign, i));
        }
        List<Map<String, AttributeValue>> items = batchGet(keys, false);
        Snapshot snap = new Snapshot();
        for (Map<String, AttributeValue> item : items) {
            if (GUARD_SK.equals(item.get(SK).s())) {
                snap.paused = Boolean.TRUE.equals(bool(item.get("paused")));
                snap.pausedAt = item.containsKey("pausedAt") ? Instant.parse(item.get("pausedAt").s()) : null;
                snap.pauseReason = item.containsKey("pauseReason") ? item.get("pauseReason").s() : null;
                snap.version = num(item.get("version"));
                Map<String, Long> baseRejections = new HashMap<>();
                AttributeValue br = item.get("baseRejections");
                if (br != null && br.hasM()) {
                    br.m().forEach((k, v) -> baseRejections.put(k, num(v)));
                }
                snap.baseline = new CampaignCounts(num(item.get("baseSends")), num(item.get("baseBounces")),
                        num(item.get("baseComplaints")), baseRejections);
                AttributeValue log = item.get("log");
                if (log != null && log.hasL()) {
                    log.l().forEach(e -> snap.log.add(decodeEntry(e.m())));
                }
            } else {
                snap.total = snap.total.plus(counts(item));
            }
        }
        return snap;
    }

    /** Consistent BatchGetItem of up to 100 keys; unprocessed keys retried with backoff, then a failure. */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys, boolean pauseOnly) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        retry.drain(keys, pending -> {
            KeysAndAttributes.Builder k = KeysAndAttributes.builder().keys(pending).consistentRead(true);
            if (pauseOnly) {
                k.projectionExpression("#paused, #pausedAt").expressionAttributeNames(Map.of("#paused", "paused",
                        "#pausedAt", "pausedAt"));
            }
            try {
                BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(Map.of(table, k.build())));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                KeysAndAttributes un = response.unprocessedKeys().get(table);
                return un == null ? List.of() : un.keys();
            } catch (SdkException e) {
                throw new StoreUnavailableException("campaign guard unreadable: " + e.getMessage(), e);
            }
        }, wait -> true, "campaign guard items");
        return items;
    }

    /** The counts of one counter shard item. */
    public static CampaignCounts counts(Map<String, AttributeValue> item) {
        Map<String, Long> rejections = new HashMap<>();
        item.forEach((name, v) -> {
            if (name.startsWith(REJECTIONS_PREFIX)) {
                rejections.put(name.substring(REJECTIONS_PREFIX.length()), num(v));
            }
        });
        return new CampaignCounts(num(item.get("sends")), num(item.get("bounces")), num(item.get("complaints")), rejections);
    }

    private static AttributeValue entry(String action, Instant at, String reason, String actor, CampaignCounts c) {
        return AttributeValue.fromM(Map.of("action", s(action), "at", s(at.toString()), "reason", s(reason),
                "actor", s(actor), "sends", n(c.sends()), "bounces", n(c.bounces()), "complaints", n(c.complaints())));
    }

    private static CampaignStatus.Entry decodeEntry(Map<String, AttributeValue> m) {
        return new CampaignStatus.Entry(m.get("action").s(), Instant.parse(m.get("at").s()), m.get("reason").s(),
                m.get("actor").s(), new CampaignCounts(num(m.get("sends")), num(m.get("bounces")), num(m.get("complaints"))));
    }

    private static String required(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        String t = text.strip();
        return t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) : t;
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static long num(AttributeValue v) {
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static Boolean bool(AttributeValue v) {
        return v == null ? null : v.bool();
    }

    private static final class Snapshot {
        boolean paused;
        Instant pausedAt;
        String pauseReason;
        long version;
        CampaignCounts baseline = CampaignCounts.ZERO;
        CampaignCounts total = CampaignCounts.ZERO;
        final List<CampaignStatus.Entry> log = new ArrayList<>();
    }
}
