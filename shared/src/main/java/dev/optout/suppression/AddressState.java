package dev.optout.suppression;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The current state of one address: everything a check or the preference center needs, read
 * from one item. Absent marks mean "not set".
 *
 * @param key             the address key (HMAC of the canonical address)
 * @param address         the canonical address if still kept (erasure removes it)
 * @param unsubscribedAll set when the person opted out of all marketing mail
 * @param hardBounce      set by a permanent bounce
 * @param softBounce      set when soft bounces crossed the threshold inside the window
 * @param complaint       set by a complaint (detail: feedback type)
 * @param topicOptOuts    per-topic opt-outs
 * @param topicOptIns     per-topic explicit opt-ins
 * @param topicFrequency  per-topic frequency
 * @param frequency       overall frequency, when chosen
 * @param softBounceTimes soft bounces counted towards the threshold, one per bounce (by their own
 *                        timestamps, sorted; two bounces at the same instant are two entries)
 * @param updatedAt       the last change, {@code null} for an address never seen
 * @param forgotten       set when the address was erased ({@code FORGET_ADDRESS}): it is never written in clear again
 * @param operatorHold    an operator's hold on all marketing mail ({@code ./optout suppress}), kept apart
 *                        from the person's own {@code unsubscribedAll} so that neither hides the other
 * @param version         how many times the state was written (0 for an address never seen, or an item
 *                        written before versions were kept): a form carries the version it was drawn
 *                        from, and a save from an older one is stale
 * @param hardBounceLast  the latest hard bounce while the hard bounce stands, when later than the mark (a
 *                        bounce again renews it: {@link ExpiryPolicy} counts from it); {@code null}: the mark's time
 */
public record AddressState(
        String key,
        String address,
        Mark unsubscribedAll,
        Mark hardBounce,
        Mark softBounce,
        Mark complaint,
        Map<String, Mark> topicOptOuts,
        Map<String, Mark> topicOptIns,
        Map<String, Frequency> topicFrequency,
        Frequency frequency,
        List<Instant> softBounceTimes,
        Instant updatedAt,
        Mark forgotten,
        Mark operatorHold,
        long version,
        Instant hardBounceLast) {

    public AddressState {
        topicOptOuts = Map.copyOf(topicOptOuts);
        topicOptIns = Map.copyOf(topicOptIns);
        topicFrequency = Map.copyOf(topicFrequency);
        softBounceTimes = List.copyOf(softBounceTimes);
    }

    public AddressState(String key, String address, Mark unsubscribedAll, Mark hardBounce, Mark softBounce, Mark complaint,
                        Map<String, Mark> topicOptOuts, Map<String, Mark> topicOptIns, Map<String, Frequency> topicFrequency,
                        Frequency frequency, List<Instant> softBounceTimes, Instant updatedAt, Mark forgotten, Mark operatorHold,
                        long version) {
        this(key, address, unsubscribedAll, hardBounce, softBounce, complaint, topicOptOuts, topicOptIns, topicFrequency,
                frequency, softBounceTimes, updatedAt, forgotten, operatorHold, version, null);
    }

    public AddressState(String key, String address, Mark unsubscribedAll, Mark hardBounce, Mark softBounce, Mark complaint,
                        Map<String, Mark> topicOptOuts, Map<String, Mark> topicOptIns, Map<String, Frequency> topicFrequency,
                        Frequency frequency, List<Instant> softBounceTimes, Instant updatedAt) {
        this(key, address, unsubscribedAll, hardBounce, softBounce, complaint, topicOptOuts, topicOptIns, topicFrequency,
                frequency, softBounceTimes, updatedAt, null, null, 0);
    }

    public AddressState(String key, String address, Mark unsubscribedAll, Mark hardBounce, Mark softBounce, Mark complaint,
                        Map<String, Mark> topicOptOuts, Map<String, Mark> topicOptIns, Map<String, Frequency> topicFrequency,
                        Frequency frequency, List<Instant> softBounceTimes, Instant updatedAt, Mark forgotten) {
        this(key, address, unsubscribedAll, hardBounce, softBounce, complaint, topicOptOuts, topicOptIns, topicFrequency,
                frequency, softBounceTimes, updatedAt, forgotten, null, 0);
    }

    /** The state of an address the table has never seen: subscribed to every default topic. */
    public static AddressState unknown(String key) {
        return new AddressState(key, null, null, null, null, null, Map.of(), Map.of(), Map.of(), null, List.of(), null);
    }

    public boolean exists() {
        return updatedAt != null;
    }

    /** The frequency for a topic: the topic's own, else the overall one, else as it happens. */
    public Frequency frequencyFor(String topicId) {
        Frequency f = topicFrequency.get(topicId);
        if (f != null) {
            return f;
        }
        return frequency != null ? frequency : Frequency.IMMEDIATE;
    }
}
