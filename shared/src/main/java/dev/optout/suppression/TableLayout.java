package dev.optout.suppression;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How state and history are laid out in the one table (keys {@code pk}, {@code sk}).
 *
 * <pre>
 * pk = A#&lt;address key&gt;  sk = STATE                  current state, one item per address
 * pk = A#&lt;address key&gt;  sk = H#&lt;time&gt;#&lt;random&gt;    history, one item per change
 * pk = D#&lt;hash&gt;         sk = D                      idempotency record, expires by TTL
 * pk = C#&lt;campaign&gt;     sk = GUARD                  campaign guard: paused?, since, why, baseline, log
 * pk = C#&lt;campaign&gt;#&lt;n&gt; sk = N                   campaign counter shard n (0..shards-1):
 *                                                    sends, bounces, complaints (ADD per SQS batch)
 * </pre>
 *
 * A campaign's counters are spread over several partition keys (write sharding): a campaign sent
 * to a million people in ten minutes yields well over 1,000 SES events a second, more than one
 * partition takes (1,000 WCU). Each batch adds its sums to one random shard; readers sum the shards
 * with one BatchGetItem. {@code <campaign>} is the SES tag value (letters, digits, _ and -), so it
 * never contains {@code #}.
 *
 * The state item holds the consent model's slots in full and, derived from them in the same
 * write, one top-level attribute per flag and topic choice, which the check reads with a narrow
 * projection ({@link StateCodec}, docs/adr/0106). Every write reads the item and writes it back
 * on the condition that its version did not move ({@code ConsentWriter}).
 */
public final class TableLayout {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String STATE_SK = "STATE";
    public static final String HISTORY_PREFIX = "H#";
    public static final String ADDRESS_PREFIX = "A#";
    public static final String DEDUPE_PREFIX = "D#";
    /** The table's TTL attribute (template.yaml TimeToLiveSpecification). */
    public static final String EXPIRES_AT = "expiresAt";
    public static final String CAMPAIGN_PREFIX = "C#";
    public static final String GUARD_SK = "GUARD";
    public static final String COUNTER_SK = "N";

    public static final String ADDRESS = "addr";
    public static final String UNSUBSCRIBED_ALL = "unsub";
    /** An operator's hold on all marketing mail: apart from the person's own {@code unsub}. */
    public static final String OPERATOR_HOLD = "hold";
    public static final String HARD_BOUNCE = "hardBounce";
    public static final String SOFT_BOUNCE = "softBounce";
    /**
     * The latest hard bounce while the hard bounce stands, when later than the flag's mark (which
     * keeps the bounce that began it): a bounce again renews a hard bounce that expires by policy.
     */
    public static final String HARD_BOUNCE_LAST = "hardBounceLast";
    /**
     * The day (UTC, {@code yyyy-MM-dd}) of the latest time a set stop that can expire (a hard
     * bounce, a soft-bounce stop) counts its expiry from ({@link ExpiryPolicy#countsFrom}): the key
     * of the sparse index {@link #STOP_EXPIRY_INDEX}, written only while such a stop is set.
     */
    public static final String EXPIRY_DAY = "xDay";
    /** The sparse index (keys only) of state items by {@link #EXPIRY_DAY} (template.yaml), for the expiry sweep. */
    public static final String STOP_EXPIRY_INDEX = "StopExpiry";
    public static final String COMPLAINT = "complaint";
    /**
     * The soft bounces counted towards the threshold: a string set with one element per bounce,
     * {@code <bounce time>#<bounce id>} (see {@link #softBounceEntry}). Items written before the
     * id was added hold the bare time; both forms are read.
     */
    /** Set once by FORGET_ADDRESS; the store's writes are guarded on it so {@code addr} never comes back. */
    public static final String FORGOTTEN = "forgotten";
    public static final String SOFT_BOUNCE_TIMES = "softBounces";
    public static final String FREQUENCY = "freq";
    public static final String UPDATED_AT = "updatedAt";
    /** A counter moved by every write of the state item: the version a form was drawn from. */
    public static final String VERSION = "ver";
    public static final String CREATED_AT = "createdAt";
    public static final String TOPIC_OPT_OUT = "O#";
    public static final String TOPIC_OPT_IN = "I#";
    public static final String TOPIC_FREQUENCY = "F#";

    private TableLayout() {
    }

    public static Map<String, AttributeValue> stateKey(String addressKey) {
        return Map.of(PK, s(ADDRESS_PREFIX + addressKey), SK, s(STATE_SK));
    }

    /** One counted soft bounce: its time and an id, so that bounces with equal times stay distinct. */
    public static String softBounceEntry(Instant at, String bounceId) {
        return at.toString() + "#" + bounceId;
    }

    /** The time of a {@link #softBounceEntry} (or of a bare time written by older versions). */
    public static Instant softBounceTime(String entry) {
        int hash = entry.indexOf('#');
        return Instant.parse(hash < 0 ? entry : entry.substring(0, hash));
    }

    public static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    public static AttributeValue markValue(Mark m) {
        Map<String, AttributeValue> v = new HashMap<>();
        v.put("at", s(m.at().toString()));
        v.put("src", s(m.source().name()));
        if (m.campaignId() != null) {
            v.put("cmp", s(m.campaignId()));
        }
        if (m.detail() != null) {
            v.put("det", s(m.detail()));
        }
        return AttributeValue.fromM(v);
    }

    public static Mark mark(AttributeValue v) {
        if (v == null || !v.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = v.m();
        return new Mark(Instant.parse(m.get("at").s()), Source.valueOf(m.get("src").s()),
                str(m.get("cmp")), str(m.get("det")));
    }

    private static String str(AttributeValue v) {
        return v == null ? null : v.s();
    }

    /** Decodes a state item (full or projected); {@code null} item means never seen. */
    public static AddressState decodeState(String addressKey, Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return AddressState.unknown(addressKey);
        }
        Map<String, Mark> optOuts = new HashMap<>();
        Map<String, Mark> optIns = new HashMap<>();
        Map<String, Frequency> frequencies = new HashMap<>();
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(TOPIC_OPT_OUT)) {
                optOuts.put(name.substring(2), mark(e.getValue()));
            } else if (name.startsWith(TOPIC_OPT_IN)) {
                optIns.put(name.substring(2), mark(e.getValue()));
            } else if (name.startsWith(TOPIC_FREQUENCY)) {
                Frequency f = Frequency.parseOrNull(e.getValue().s());
                if (f != null) {
                    frequencies.put(name.substring(2), f);
                }
            }
        }
        List<Instant> softTimes = new ArrayList<>();
        AttributeValue soft = item.get(SOFT_BOUNCE_TIMES);
        if (soft != null && soft.hasSs()) {
            soft.ss().forEach(t -> softTimes.add(softBounceTime(t)));
            softTimes.sort(null);
        }
        AttributeValue updated = item.get(UPDATED_AT);
        return new AddressState(addressKey, str(item.get(ADDRESS)),
                mark(item.get(UNSUBSCRIBED_ALL)), mark(item.get(HARD_BOUNCE)), mark(item.get(SOFT_BOUNCE)),
                mark(item.get(COMPLAINT)), optOuts, optIns, frequencies,
                item.get(FREQUENCY) == null ? null : Frequency.parseOrNull(item.get(FREQUENCY).s()),
                softTimes, updated == null ? Instant.EPOCH : Instant.parse(updated.s()), mark(item.get(FORGOTTEN)), mark(item.get(OPERATOR_HOLD)),
                item.get(VERSION) == null ? 0 : Long.parseLong(item.get(VERSION).n()),
                item.get(HARD_BOUNCE_LAST) == null ? null : Instant.parse(item.get(HARD_BOUNCE_LAST).s()));
    }
}
